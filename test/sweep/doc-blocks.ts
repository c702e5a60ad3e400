/** The fenced block that follows a `<!-- marker … -->` comment in a Markdown page: tests run what the docs show. */
export function docBlock(markdown: string, marker: string): string {
  const at = markdown.indexOf(`<!-- ${marker}`);
  if (at < 0) throw new Error(`no <!-- ${marker} … --> marker in the page`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (!m) throw new Error(`no fenced block after the ${marker} marker`);
  return m[1]!;
}
