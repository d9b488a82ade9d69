// The words a remote provider put in an error body, shared by every client of an HTTP model or embedding service.

/** OpenAI's and Anthropic's {error:{message}}, Ollama's {error:"…"}, a bare {message}, or the text itself; bounded. */
export function providerMessage(text: string): string {
  let said = text.trim();
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') said = body.error;
    else if (typeof body.error === 'object' && body.error !== null && typeof (body.error as { message?: unknown }).message === 'string') said = (body.error as { message: string }).message;
    else if (typeof body.message === 'string') said = body.message;
  } catch {
    // not JSON: the text itself is the best account
  }
  return said.length > 300 ? `${said.slice(0, 300)}…` : said || '(no body)';
}
