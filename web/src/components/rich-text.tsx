import type { ComponentChildren } from 'preact';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;

/**
 * A host's description as they typed it: paragraphs and line breaks kept, web links clickable
 * (http and https only; nofollow, as for any text written by users). Text, never HTML.
 */
export function RichText({ text, class: className }: { text: string; class?: string }) {
  const paragraphs = text.trim().split(/\n{2,}/);
  return (
    <div class={className}>
      {paragraphs.map((para, i) => (
        <p key={i}>
          {para.split('\n').map((line, j) => (
            <>
              {j > 0 && <br />}
              {linkify(line)}
            </>
          ))}
        </p>
      ))}
    </div>
  );
}

function linkify(line: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of line.matchAll(URL_PATTERN)) {
    if (m.index > last) out.push(line.slice(last, m.index));
    out.push(<a href={m[0]} rel="nofollow ugc noopener" target="_blank">{m[0]}</a>);
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push(line.slice(last));
  return out;
}
