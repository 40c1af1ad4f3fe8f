export * from './address.ts';
export * from './control.ts';
export * from './errors.ts';
export * from './extractor.ts';
export * from './frame.ts';
export * from './messages.ts';
export * from './values.ts';
export * from './dtu.ts';
