package io.packtrail.server.domain;

/** Element masses in kg (lithium, nickel, cobalt, manganese, copper, aluminium), three decimals. */
public record ElementMasses(double li, double ni, double co, double mn, double cu, double al) {
  public static final String[] KEYS = {"li", "ni", "co", "mn", "cu", "al"};

  public ElementMasses {
    li = CanonicalFields.round(li);
    ni = CanonicalFields.round(ni);
    co = CanonicalFields.round(co);
    mn = CanonicalFields.round(mn);
    cu = CanonicalFields.round(cu);
    al = CanonicalFields.round(al);
  }

  public double[] values() {
    return new double[] {li, ni, co, mn, cu, al};
  }

  public double total() {
    return li + ni + co + mn + cu + al;
  }

  void writeTo(CanonicalFields f, String prefix) {
    double[] v = values();
    for (int i = 0; i < KEYS.length; i++) {
      f.putDecimal(prefix + KEYS[i] + "_kg", v[i]);
    }
  }

  static ElementMasses readFrom(CanonicalFields f, String prefix) {
    double[] v = new double[KEYS.length];
    for (int i = 0; i < KEYS.length; i++) {
      v[i] = Double.parseDouble(f.get(prefix + KEYS[i] + "_kg"));
    }
    return new ElementMasses(v[0], v[1], v[2], v[3], v[4], v[5]);
  }

  /** Each mass finite and at least 0; together at most the lot's mass. */
  void validate(String field, double lotMassKg, Violations v) {
    double[] values = values();
    for (int i = 0; i < KEYS.length; i++) {
      if (!Double.isFinite(values[i]) || values[i] < 0 || values[i] > 1_000_000) {
        v.add(field + "." + KEYS[i] + "_kg", "must be at least 0 and at most 1000000");
      }
    }
    if (Double.isFinite(total()) && Double.isFinite(lotMassKg) && total() > lotMassKg) {
      v.add(field, "element masses add up to " + CanonicalFields.decimal(total())
          + " kg, more than the lot mass " + CanonicalFields.decimal(lotMassKg) + " kg");
    }
  }
}
