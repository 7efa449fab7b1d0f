import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BigDecimal, bigintFromBytes, bigintToBytes } from '../../../../host/connect/data/big-decimal.ts';

void describe('BigDecimal', () => {
  void it('parses text keeping the written scale', () => {
    const d = BigDecimal.parse('12.50');
    assert.equal(d.unscaled, 1250n);
    assert.equal(d.scale, 2);
    assert.equal(BigDecimal.parse('-0.001').unscaled, -1n);
    assert.equal(BigDecimal.parse('1E+3').scale, -3);
    assert.equal(BigDecimal.parse('1.5e2').toString(), '1.5E+2');
    assert.equal(BigDecimal.parse('1.5e2').toPlainString(), '150');
  });

  void it('rejects text that is not a number', () => {
    assert.throws(() => BigDecimal.parse('abc'), /Invalid decimal value/);
    assert.throws(() => BigDecimal.parse('.'), /Invalid decimal value/);
  });

  void it('prints like java.math.BigDecimal.toString', () => {
    assert.equal(new BigDecimal(1234n, 2).toString(), '12.34');
    assert.equal(new BigDecimal(-5n, 3).toString(), '-0.005');
    assert.equal(new BigDecimal(1n, 7).toString(), '1E-7');
    assert.equal(new BigDecimal(123n, -2).toString(), '1.23E+4');
    assert.equal(new BigDecimal(1000n, 2).toString(), '10.00');
    assert.equal(new BigDecimal(1n, 7).toPlainString(), '0.0000001');
    assert.equal(new BigDecimal(123n, -2).toPlainString(), '12300');
  });

  void it('rescales exactly or rounds half-up on request', () => {
    assert.equal(new BigDecimal(15n, 1).setScale(3).unscaled, 1500n);
    assert.throws(() => new BigDecimal(15n, 1).setScale(0), /without rounding/);
    assert.equal(new BigDecimal(15n, 1).setScaleRounded(0).unscaled, 2n);
    assert.equal(new BigDecimal(-15n, 1).setScaleRounded(0).unscaled, -2n);
    assert.equal(new BigDecimal(14n, 1).setScaleRounded(0).unscaled, 1n);
  });

  void it('compares by value and converts to numbers', () => {
    assert.equal(new BigDecimal(10n, 1).compareTo(new BigDecimal(1n, 0)), 0);
    assert.equal(new BigDecimal(10n, 1).equals(new BigDecimal(1n, 0)), false);
    assert.equal(new BigDecimal(-199n, 2).toBigInt(), -1n);
    assert.equal(new BigDecimal(25n, 1).toNumber(), 2.5);
    assert.equal(BigDecimal.fromNumber(1).toString(), '1.0');
    assert.equal(BigDecimal.fromNumber(0.1).toString(), '0.1');
  });
});

void describe('two\'s complement bytes', () => {
  const cases: [bigint, number[]][] = [
    [0n, [0]],
    [1n, [1]],
    [127n, [0x7f]],
    [128n, [0x00, 0x80]],
    [-1n, [0xff]],
    [-128n, [0x80]],
    [-129n, [0xff, 0x7f]],
    [156n, [0x00, 0x9c]],
    [65535n, [0x00, 0xff, 0xff]],
  ];
  for (const [value, bytes] of cases) {
    void it(`encodes ${value} like BigInteger.toByteArray`, () => {
      assert.deepEqual([...bigintToBytes(value)], bytes);
      assert.equal(bigintFromBytes(Uint8Array.from(bytes)), value);
    });
  }
  void it('round-trips large values', () => {
    const v = -(2n ** 100n) + 12345n;
    assert.equal(bigintFromBytes(bigintToBytes(v)), v);
  });
});
