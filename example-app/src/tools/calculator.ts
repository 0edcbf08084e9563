/**
 * Evaluates + - * / % ^ and parentheses over decimal numbers. A hand-written parser, never eval:
 * the expression comes from user input.
 */
export function calculate(expression: string): number {
  const tokens = expression.match(/\d+(?:\.\d+)?|\.\d+|[-+*/%^()]|\S/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => tokens[pos++];

  const primary = (): number => {
    const t = take();
    if (t === undefined) throw new Error('unexpected end of expression');
    if (t === '(') {
      const v = sum();
      if (take() !== ')') throw new Error('missing )');
      return v;
    }
    if (t === '-') return -power();
    if (t === '+') return power();
    const n = Number(t);
    if (Number.isNaN(n)) throw new Error(`unexpected "${t}"`);
    return n;
  };
  // Right-associative: 2^3^2 = 2^9.
  const power = (): number => {
    const base = primary();
    if (peek() === '^') {
      take();
      return base ** power();
    }
    return base;
  };
  const product = (): number => {
    let v = power();
    for (let op = peek(); op === '*' || op === '/' || op === '%'; op = peek()) {
      take();
      const rhs = power();
      if (op !== '*' && rhs === 0) throw new Error('division by zero');
      v = op === '*' ? v * rhs : op === '/' ? v / rhs : v % rhs;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    for (let op = peek(); op === '+' || op === '-'; op = peek()) {
      take();
      v = op === '+' ? v + product() : v - product();
    }
    return v;
  };

  if (tokens.length === 0) throw new Error('empty expression');
  if (tokens.length > 200) throw new Error('expression too long');
  const value = sum();
  if (pos < tokens.length) throw new Error(`unexpected "${tokens[pos]}"`);
  if (!Number.isFinite(value)) throw new Error('result is not a finite number');
  // Hide binary float noise (0.1+0.2) without losing real precision.
  return Number(value.toPrecision(15));
}
