/** "3E4F45AB…" → "3E4F 45AB …": identifiers grouped so they can be read aloud or compared. */
export function groupChars(text: string, size = 4): string {
  const clean = text.replace(/\s+/g, '');
  const groups: string[] = [];
  for (let i = 0; i < clean.length; i += size) groups.push(clean.slice(i, i + size));
  return groups.join(' ');
}
