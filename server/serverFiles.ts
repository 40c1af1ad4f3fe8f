/**
 * The server's data files (simulator pages and captures, the Venus CA certificate, SunSpec
 * models), found from the code's own location: server/ in a checkout run through tsx, and
 * dist/server/ (or the image's server/) for the bundle, whose code files all lie in that
 * one folder with the data files copied beside them (scripts/buildServer.ts). A module's
 * own `import.meta.url` would not do: bundled, it is the file the module landed in.
 */
const SERVER_DIR = new URL('./', import.meta.url);

/** `relative` to server/, e.g. `sim/kostal/pages/`. */
export function serverFile(relative: string): URL {
  return new URL(relative, SERVER_DIR);
}
