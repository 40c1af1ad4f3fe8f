/**
 * Where a JSON text first goes wrong, for a message with line and column when JSON.parse
 * does not say (Node 20 gives no position for an unexpected token). One pass, no
 * recursion: nesting is a stack of bytes, so a deep file cannot overflow the call stack.
 */

type Expect = 'value' | 'valueOrClose' | 'keyOrClose' | 'key' | 'colon' | 'commaOrClose' | 'end';

const ESCAPES = '"\\/bfnrt';
const HEX = /^[0-9a-fA-F]$/;
const LITERALS: Record<string, string> = { t: 'true', f: 'false', n: 'null' };

/** Offset of the first character that makes `text` invalid JSON; -1 if it is valid. */
export function jsonErrorOffset(text: string): number {
  const stack: ('{' | '[')[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const afterValue = (): Expect => (stack.length === 0 ? 'end' : 'commaOrClose');
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    switch (expect) {
      case 'end':
        return i;
      case 'colon':
        if (c !== ':') return i;
        i++;
        expect = 'value';
        continue;
      case 'commaOrClose':
        if (c === ',') expect = stack.at(-1) === '{' ? 'key' : 'value';
        else if ((c === '}' && stack.at(-1) === '{') || (c === ']' && stack.at(-1) === '[')) {
          stack.pop();
          expect = afterValue();
        } else return i;
        i++;
        continue;
      case 'keyOrClose':
      case 'key':
        if (c === '}' && expect === 'keyOrClose') {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        if (c !== '"') return i;
        i = stringEnd(text, i);
        if (i < 0) return -i - 1;
        expect = 'colon';
        continue;
      default: {
        if (c === ']' && expect === 'valueOrClose') {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        const end = valueEnd(text, i);
        if (end < 0) return -end - 1;
        if (c === '{' || c === '[') {
          stack.push(c);
          expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
        } else expect = afterValue();
        i = end;
      }
    }
  }
  return expect === 'end' ? -1 : text.length;
}

/** End of the scalar (or opening bracket) at `i`; -(offset + 1) of an error. */
function valueEnd(text: string, i: number): number {
  const c = text.charAt(i);
  if (c === '{' || c === '[') return i + 1;
  if (c === '"') return stringEnd(text, i);
  const word = LITERALS[c];
  if (word) {
    for (let k = 1; k < word.length; k++) if (text[i + k] !== word[k]) return -(i + k + 1);
    return i + word.length;
  }
  return numberEnd(text, i);
}

/** End of the number at `i`; -(offset + 1) of the first character that breaks it. */
function numberEnd(text: string, i: number): number {
  let j = i;
  if (text[j] === '-') j++;
  if (text[j] === '0') j++;
  else if (isDigit(text[j])) while (isDigit(text[j])) j++;
  else return -(j + 1);
  if (text[j] === '.') {
    j++;
    if (!isDigit(text[j])) return -(j + 1);
    while (isDigit(text[j])) j++;
  }
  if (text[j] === 'e' || text[j] === 'E') {
    j++;
    if (text[j] === '+' || text[j] === '-') j++;
    if (!isDigit(text[j])) return -(j + 1);
    while (isDigit(text[j])) j++;
  }
  return j;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** End of the string opening at `i` (just past its quote); -(offset + 1) of an error. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charAt(j);
    if (c === '"') return j + 1;
    if (c.charCodeAt(0) < 0x20) return -(j + 1);
    if (c === '\\') {
      const e = text[j + 1];
      if (e === 'u') {
        for (let k = j + 2; k < j + 6; k++) if (!HEX.test(text[k] ?? '')) return -(k + 1);
        j += 6;
      } else if (e !== undefined && ESCAPES.includes(e)) j += 2;
      else return -(j + 2);
    } else j++;
  }
  return -(text.length + 1);
}
