import { describe, expect, it } from 'vitest';
import { canonicalJson } from './idempotency.service';

// The Idempotency-Key body hash: the same JSON body in any key order is the same text, and the
// text never changes from one release to the next (stored hashes of keys kept 24 h compare to it).

describe('canonicalJson', () => {
  it('sorts keys at every depth by UTF-16 code units and leaves arrays in order', () => {
    const body = JSON.parse('{"z":1,"a":{"y":[{"b":2,"a":1},"x"],"B":null,"é":true,"\\uFF21":0},"":"empty"}');
    expect(canonicalJson(body)).toBe('{"":"empty","a":{"B":null,"y":[{"a":1,"b":2},"x"],"é":true,"Ａ":0},"z":1}');
    expect(canonicalJson(JSON.parse('{"b":1,"a":2}'))).toBe(canonicalJson(JSON.parse('{"a":2,"b":1}')));
  });

  it('writes keys that look like array indexes, and "__proto__", in the same sorted order as the others', () => {
    // An object puts "2" before "10" whatever order they were added in; the text must not.
    expect(canonicalJson(JSON.parse('{"b":1,"2":2,"10":3,"a":4}'))).toBe('{"10":3,"2":2,"a":4,"b":1}');
    expect(canonicalJson(JSON.parse('{"x":{"__proto__":{"b":1,"a":2},"a":0}}'))).toBe('{"x":{"__proto__":{"a":2,"b":1},"a":0}}');
    expect(canonicalJson(JSON.parse('{"4294967295":1,"4294967294":2,"01":3}'))).toBe('{"01":3,"4294967294":2,"4294967295":1}');
  });

  it('leaves out undefined fields, writes undefined array items as null, and a bare value as JSON', () => {
    expect(canonicalJson({ b: undefined, a: [undefined, -0, 2.5e-7] })).toBe('{"a":[null,0,2.5e-7]}');
    expect(canonicalJson('x"\u2028')).toBe(JSON.stringify('x"\u2028'));
    expect(canonicalJson(undefined)).toBe('null');
  });
});
