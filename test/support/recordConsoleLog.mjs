// Preload (node --import) for a child script under test: each console.log call's arguments
// also go, as one JSON line, to file descriptor 3, so a test checks exactly what it printed.
import { writeSync } from 'node:fs';

const print = console.log;
console.log = (...args) => {
  writeSync(3, `${JSON.stringify(args)}\n`);
  print(...args);
};
