// Finds where a JSON text first goes wrong and why, the same in every engine (their own messages differ and may omit the place).

export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

class Stop extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** The first syntax error of `text` as line, column (1-based) and a plain reason; null when it is valid JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  let i = 0;
  const describe = (at: number) => (at >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text[at])}`);
  const skip = () => {
    while (i < text.length && WS.has(text[i] ?? '')) i++;
  };
  const expect = (ch: string, what: string) => {
    skip();
    if (text[i] !== ch) throw new Stop(i, `${describe(i)}; expected ${what}`);
    i++;
  };
  const string = () => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const ch = text[i] ?? '';
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\n') throw new Stop(i, 'a string runs past the end of its line; close it with "');
      if (ch === '\\') {
        const next = text[i + 1] ?? '';
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, 'a \\u escape needs four hex digits');
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(next) || next === '') throw new Stop(i, `unknown escape \\${next}`);
        i += 2;
        continue;
      }
      i++;
    }
    throw new Stop(start, 'a string is never closed; add the closing "');
  };
  const value = (): void => {
    skip();
    const ch = text[i];
    if (ch === '{') {
      i++;
      skip();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') throw new Stop(i, `${describe(i)}; expected a field name in double quotes`);
        string();
        expect(':', '":" after the field name');
        value();
        skip();
        if (text[i] === ',') {
          i++;
          skip();
          if (text[i] === '}') throw new Stop(i, 'a comma before "}": remove the trailing comma');
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        throw new Stop(i, `${describe(i)}; expected "," or "}"`);
      }
    }
    if (ch === '[') {
      i++;
      skip();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        skip();
        if (text[i] === ',') {
          i++;
          skip();
          if (text[i] === ']') throw new Stop(i, 'a comma before "]": remove the trailing comma');
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        throw new Stop(i, `${describe(i)}; expected "," or "]"`);
      }
    }
    if (ch === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number && number[0] !== '' && number[0] !== '-') {
      i += number[0].length;
      return;
    }
    throw new Stop(i, `${describe(i)}; expected a value (text in double quotes, a number, true, false, null, an object or a list)`);
  };
  try {
    value();
    skip();
    if (i < text.length) throw new Stop(i, `${describe(i)} after the end of the JSON value`);
    return null;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const before = text.slice(0, err.at);
    return { line: before.split('\n').length, column: err.at - before.lastIndexOf('\n'), message: err.message };
  }
}
