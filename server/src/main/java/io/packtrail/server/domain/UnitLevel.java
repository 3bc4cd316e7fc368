package io.packtrail.server.domain;

/** Pack, module or cell; the letter is position 4 of a GB/T 34014 code. */
public enum UnitLevel {
  PACK('P'),
  MODULE('M'),
  CELL('C');

  private final char codeLetter;

  UnitLevel(char codeLetter) {
    this.codeLetter = codeLetter;
  }

  public char codeLetter() {
    return codeLetter;
  }

  public static UnitLevel fromCodeLetter(char letter) {
    for (UnitLevel level : values()) {
      if (level.codeLetter == letter) {
        return level;
      }
    }
    return null;
  }
}
