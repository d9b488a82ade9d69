// Tool calls local models write as text instead of structured calls: <tool_call> JSON, <function=…>, <invoke>, fenced or bare JSON.

export interface TextToolCall {
  name: string;
  /** The arguments as JSON text, like a structured call's. */
  arguments: string;
}

export interface ParsedText {
  calls: TextToolCall[];
  /** The text with the call blocks taken out (what the model said beside its calls). */
  text: string;
  /** Blocks marked as tool calls that could not be read, quoted briefly for the error. */
  malformed: string[];
  /** Which notation was found, for the audit trail. */
  formats: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads one call-shaped object: {name|tool|function, arguments|parameters|input|args} or OpenAI's {function:{name, arguments}}. */
function callOf(value: unknown): TextToolCall | null {
  if (!isObject(value)) return null;
  const fn = isObject(value.function) ? value.function : null;
  const name = fn?.name ?? value.name ?? value.tool ?? value.tool_name ?? (typeof value.function === 'string' ? value.function : undefined);
  if (typeof name !== 'string' || name.trim() === '') return null;
  const args = fn ? fn.arguments : (value.arguments ?? value.parameters ?? value.input ?? value.args);
  if (args === undefined) return { name: name.trim(), arguments: '{}' };
  if (typeof args === 'string') return { name: name.trim(), arguments: args.trim() === '' ? '{}' : args };
  return isObject(args) ? { name: name.trim(), arguments: JSON.stringify(args) } : null;
}

/** Calls inside a JSON value: one call, an array of calls, or {tool_calls:[…]}. Null when the value is not call-shaped. */
function callsOf(value: unknown): TextToolCall[] | null {
  if (Array.isArray(value)) {
    const calls = value.map(callOf);
    return calls.length > 0 && calls.every((c) => c !== null) ? (calls as TextToolCall[]) : null;
  }
  if (isObject(value) && Array.isArray(value.tool_calls)) return callsOf(value.tool_calls);
  const one = callOf(value);
  return one ? [one] : null;
}

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function brief(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 80)}…` : one;
}

export function parseTextToolCalls(input: string): ParsedText {
  const calls: TextToolCall[] = [];
  const malformed: string[] = [];
  const formats = new Set<string>();
  let text = input;

  // <tool_call>{json}</tool_call> (Hermes, Qwen) and <tool_call><name>…</name><arguments>…</arguments></tool_call>
  text = text.replace(/<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/gi, (_, body: string) => {
    formats.add('tool_call_tag');
    const inner = /^<name>\s*([\s\S]*?)\s*<\/name>\s*<arguments>\s*([\s\S]*?)\s*<\/arguments>$/i.exec(body.trim());
    const found = inner ? callsOf({ name: unescapeXml(inner[1] ?? ''), arguments: tryJson(unescapeXml(inner[2] ?? '')) ?? {} }) : callsOf(tryJson(body));
    if (found) calls.push(...found);
    else malformed.push(brief(body));
    return '';
  });

  // <function=name>{json}</function> (Llama 3.1's custom tool format)
  text = text.replace(/<function=([\w.\-:]+)>\s*([\s\S]*?)\s*<\/function>/gi, (_, name: string, body: string) => {
    formats.add('function_tag');
    const args = body.trim() === '' ? {} : tryJson(body);
    if (isObject(args)) calls.push({ name, arguments: JSON.stringify(args) });
    else malformed.push(brief(`<function=${name}>${body}`));
    return '';
  });

  // <invoke name="x"><parameter name="a">value</parameter></invoke>, optionally inside <function_calls>
  text = text.replace(/<invoke\s+name="([^"]+)"\s*>([\s\S]*?)<\/invoke>/gi, (_, name: string, body: string) => {
    formats.add('invoke_tag');
    const args: Json = {};
    for (const m of body.matchAll(/<parameter\s+name="([^"]+)"\s*>([\s\S]*?)<\/parameter>/gi)) {
      const raw = unescapeXml((m[2] ?? '').trim());
      const parsed = tryJson(raw);
      args[m[1] ?? ''] = parsed === undefined ? raw : parsed;
    }
    calls.push({ name: unescapeXml(name), arguments: JSON.stringify(args) });
    return '';
  });
  text = text.replace(/<\/?function_calls>/gi, '');

  // ```json / ```tool_call fences holding call-shaped JSON; other fenced JSON is ordinary text.
  text = text.replace(/```(json|tool_call|tool_code|tool)?\s*\n([\s\S]*?)\n?```/gi, (whole: string, lang: string | undefined, body: string) => {
    const found = callsOf(tryJson(body.trim()));
    if (found) {
      formats.add('fenced_json');
      calls.push(...found);
      return '';
    }
    if (lang && /tool/i.test(lang)) {
      malformed.push(brief(body));
      return '';
    }
    return whole;
  });

  // The whole answer as call-shaped JSON, possibly after Mistral's [TOOL_CALLS] marker or a "functools" prefix.
  if (calls.length === 0) {
    const bare = text.trim().replace(/^(\[TOOL_CALLS\]|functools|<\|python_tag\|>)\s*/i, '');
    if (bare.startsWith('{') || bare.startsWith('[')) {
      const found = callsOf(tryJson(bare));
      if (found) {
        formats.add('bare_json');
        calls.push(...found);
        text = '';
      }
    }
  }
  return { calls, text: text.trim(), malformed, formats: [...formats] };
}
