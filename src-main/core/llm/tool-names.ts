// Tool names on the wire: providers accept only [A-Za-z0-9_-]{1,64}, our names have dots (timer.set, mcp.fs.read_file).

const WIRE = /^[A-Za-z0-9_-]{1,64}$/;

/** Maps registry names to wire-safe names and back; a model may answer with either form. */
export class ToolNameMap {
  private readonly toWire = new Map<string, string>();
  private readonly fromWire = new Map<string, string>();

  constructor(names: readonly string[]) {
    // Names already wire-safe keep themselves; the others are mapped after, around them.
    for (const name of names.filter((n) => WIRE.test(n))) {
      this.toWire.set(name, name);
      this.fromWire.set(name, name);
    }
    for (const name of names.filter((n) => !WIRE.test(n))) {
      let wire = name.replace(/\./g, '__').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'tool';
      // A collision (a.b beside a__b) gets a numbered suffix; both stay reachable through the map.
      for (let n = 2; this.fromWire.has(wire); n++) wire = `${wire.slice(0, 60)}_${n}`;
      this.toWire.set(name, wire);
      this.fromWire.set(wire, name);
    }
  }

  wire(name: string): string {
    return this.toWire.get(name) ?? name;
  }

  /** The registry name for what the model wrote, or null when it names no offered tool. */
  resolve(written: string): string | null {
    const name = written.trim();
    return this.fromWire.get(name) ?? (this.toWire.has(name) ? name : null);
  }
}
