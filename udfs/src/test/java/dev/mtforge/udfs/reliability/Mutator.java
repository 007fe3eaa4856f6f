package dev.mtforge.udfs.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Mutation-based input generation for parsers: starts from a valid seed file and applies a few
 * random edits (byte flips, inserts, deletes, duplicated ranges, splices with another seed, and
 * tokens that parsers get wrong: structure characters, huge and negative numbers, invalid UTF-8,
 * NUL, DTDs and entity references). The same seeded {@link Random} gives the same inputs, so a
 * failure found by the campaign replays from its seed.
 */
public final class Mutator {
  private static final List<byte[]> TOKENS = List.of(
      bytes("\u0000"), new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, bytes("\r"), bytes("\n"), bytes("\""),
      bytes("{"), bytes("}"), bytes("["), bytes("]"), bytes(","), bytes(":"), bytes("null"), bytes("true"),
      bytes("-1"), bytes("0"), bytes("2147483648"), bytes("9223372036854775807"), bytes("18446744073709551616"),
      bytes("1e309"), bytes("-0.0"), bytes("NaN"), bytes("99999999999999999999999999999"),
      bytes("<"), bytes(">"), bytes("</seg>"), bytes("<seg id=\"1\">"), bytes("<doc id=\"d\">"), bytes("&amp;"),
      bytes("&x;"), bytes("&#0;"), bytes("&#x110000;"), bytes("<![CDATA["), bytes("]]>"),
      bytes("<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"),
      bytes("<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"),
      bytes("\t"), bytes(" "), bytes("\u2028"), bytes("\uFEFF"), bytes("../"), bytes("/"), bytes("'"), bytes("`"));

  private Mutator() {}

  /** One mutant of a randomly chosen seed. */
  public static byte[] mutate(List<byte[]> seeds, Random random) {
    byte[] data = seeds.get(random.nextInt(seeds.size())).clone();
    int edits = 1 + random.nextInt(random.nextInt(8) + 1);
    for (int i = 0; i < edits; i++) {
      data = edit(data, seeds, random);
    }
    return data;
  }

  private static byte[] edit(byte[] data, List<byte[]> seeds, Random random) {
    int at = data.length == 0 ? 0 : random.nextInt(data.length + 1);
    switch (random.nextInt(7)) {
      case 0 -> { // flip bits of one byte
        if (data.length > 0) {
          int i = Math.min(at, data.length - 1);
          data[i] ^= (byte) (1 << random.nextInt(8));
        }
        return data;
      }
      case 1 -> { // random byte
        return splice(data, at, at, new byte[] {(byte) random.nextInt(256)});
      }
      case 2 -> { // delete a range
        int end = Math.min(data.length, at + 1 + random.nextInt(16));
        return splice(data, at, end, new byte[0]);
      }
      case 3 -> { // duplicate a range
        int end = Math.min(data.length, at + 1 + random.nextInt(64));
        byte[] copy = java.util.Arrays.copyOfRange(data, Math.min(at, data.length), end);
        return splice(data, at, at, copy);
      }
      case 4 -> { // truncate
        return java.util.Arrays.copyOf(data, at);
      }
      case 5 -> { // splice with another seed
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        int from = other.length == 0 ? 0 : random.nextInt(other.length);
        return splice(data, at, Math.min(data.length, at + random.nextInt(32)),
            java.util.Arrays.copyOfRange(other, from, Math.min(other.length, from + 1 + random.nextInt(64))));
      }
      default -> { // insert or replace with a known-hostile token
        byte[] token = TOKENS.get(random.nextInt(TOKENS.size()));
        int end = random.nextBoolean() ? at : Math.min(data.length, at + random.nextInt(8));
        return splice(data, at, end, token);
      }
    }
  }

  private static byte[] splice(byte[] data, int from, int to, byte[] insert) {
    from = Math.min(from, data.length);
    to = Math.max(from, Math.min(to, data.length));
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + insert.length);
    out.write(data, 0, from);
    out.write(insert, 0, insert.length);
    out.write(data, to, data.length - to);
    return out.toByteArray();
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
