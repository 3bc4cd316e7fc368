#!/usr/bin/env python3
"""Independent check of docs/formats.md, written from the document alone.

Usage: python3 verify_formats.py docs/formats.md
Every expected value is parsed out of the markdown; nothing is copied in here.
"""
import base64, hashlib, json, re, struct, sys
from decimal import Decimal, ROUND_HALF_EVEN
from datetime import datetime, timezone, date, timedelta

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from cryptography.hazmat.primitives import serialization
    HAVE_CRYPTO = True
except ImportError:
    HAVE_CRYPTO = False

PASS = FAIL = 0
def check(name, ok, detail=""):
    global PASS, FAIL
    if ok: PASS += 1
    else: FAIL += 1
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else "  -- " + detail))

# ---------------------------------------------------------------- markdown
def sections(md):
    """{'1': text, ...} for '## N. title' headings."""
    out, cur = {}, None
    for line in md.split("\n"):
        m = re.match(r"## (\d+)\. ", line)
        if m: cur = m.group(1); out[cur] = []
        elif cur: out[cur].append(line)
    return {k: "\n".join(v) for k, v in out.items()}

def section_titled(md, suffix):
    """The text of the '## N. ...' section whose title ends with suffix."""
    m = re.search(r"^## \d+\. [^\n]*" + re.escape(suffix) + r"\n(.*?)(?=^## |\Z)", md, re.S | re.M)
    return m.group(1)

def fences(text):
    return [m.group(2) for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)]

def table_after(text, header_start):
    """Rows (lists of cells) of the markdown table whose header begins with header_start."""
    lines = text.split("\n")
    for i, l in enumerate(lines):
        if l.startswith("| " + header_start):
            rows = []
            for r in lines[i + 2:]:
                if not r.startswith("|"): break
                rows.append([c.strip() for c in re.split(r"(?<!\\)\|", r.strip())[1:-1]])
            return rows
    raise KeyError(header_start)

def bt(s):  # first backticked token
    m = re.search(r"`([^`]*)`", s); return m.group(1) if m else s

# ---------------------------------------------------------------- canonical
def field(k, v):
    kb, vb = k.encode("ascii"), v.encode("utf-8")
    return struct.pack(">H", len(kb)) + kb + struct.pack(">I", len(vb)) + vb
def canonical(fields):
    return b"".join(field(k, fields[k]) for k in sorted(fields, key=lambda k: k.encode()))

def canon_decimal(x):
    q = Decimal(x).quantize(Decimal("0.001"), ROUND_HALF_EVEN)
    s = format(q, "f")
    return s[1:] if s.startswith("-") else s

def canon_time(sec, nanos):
    t = datetime.fromtimestamp(sec, timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (nanos // 1000)

def upper_snake(camel):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).upper()

# ---------------------------------------------------------------- textproto
def unquote(t):
    """A quoted string: text when its escaped bytes are UTF-8, else the bytes (a bytes field)."""
    raw = bytes(t[1:-1], "utf-8").decode("unicode_escape").encode("latin-1")
    try: return raw.decode("utf-8")
    except UnicodeDecodeError: return raw

def parse_textproto(s):
    toks = re.findall(r'#[^\n]*|"(?:[^"\\]|\\.)*"|[{}:]|[A-Za-z_][\w.]*|-?[\d.]+(?:[eE][-+]?\d+)?', s)
    toks = [t for t in toks if not t.startswith("#")]
    pos = 0
    def msg():
        nonlocal pos
        d = {}
        while pos < len(toks) and toks[pos] != "}":
            name = toks[pos]; pos += 1
            if toks[pos] == ":": pos += 1
            if toks[pos] == "{":
                pos += 1; v = msg(); pos += 1
            else:
                t = toks[pos]; pos += 1
                v = unquote(t) if t.startswith('"') else t
            if name in d:  # a repeated field
                d[name] = (d[name] if isinstance(d[name], list) else [d[name]]) + [v]
            else: d[name] = v
        return d
    return msg()

# ---------------------------------------------------------------- protobuf
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7f; n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n: return bytes(out)
def pb_field(num, val):
    if isinstance(val, int):
        return varint(num << 3) + varint(val) if val else b""
    if isinstance(val, str): val = val.encode()
    return varint(num << 3 | 2) + varint(len(val)) + val if val else b""
def pb_parse(b):
    """list of (field, wiretype, value); raises on anything but varint/len."""
    out, i = [], 0
    def rv():
        nonlocal i
        n = s = 0
        while True:
            if i >= len(b) or s > 63: raise ValueError("bad varint")
            c = b[i]; i += 1; n |= (c & 0x7f) << s; s += 7
            if not c & 0x80: return n
    while i < len(b):
        key = rv(); num, wt = key >> 3, key & 7
        if wt == 0: out.append((num, 0, rv()))
        elif wt == 2:
            ln = rv()
            if i + ln > len(b): raise ValueError("truncated")
            out.append((num, 2, b[i:i + ln])); i += ln
        else: raise ValueError("wire type %d" % wt)
    return out

# ---------------------------------------------------------------- base45
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
def b45enc(b):
    out = []
    for i in range(0, len(b) - 1, 2):
        n = b[i] * 256 + b[i + 1]
        out += [B45[n % 45], B45[n // 45 % 45], B45[n // 2025]]
    if len(b) % 2:
        out += [B45[b[-1] % 45], B45[b[-1] // 45]]
    return "".join(out)
def b45dec(s):
    if len(s) % 3 == 1: raise ValueError("dangling character")
    vals = [B45.index(c) for c in s]  # ValueError on a foreign char
    out = bytearray()
    for i in range(0, len(vals), 3):
        g = vals[i:i + 3]
        if len(g) == 3:
            n = g[0] + g[1] * 45 + g[2] * 2025
            if n > 65535: raise ValueError("group above 65535")
            out += bytes([n >> 8, n & 0xff])
        else:
            n = g[0] + g[1] * 45
            if n > 255: raise ValueError("final group above 255")
            out.append(n)
    return bytes(out)

# ---------------------------------------------------------------- labels
def key_id(pub): return hashlib.sha256(pub).digest()[:4]
def ed_verify(pub, sig, msg):
    try: Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg); return True
    except Exception: return False

def decode_label(text):
    if len(text) > 1000: raise ValueError("too long")
    if not text.startswith("PT1:"): raise ValueError("prefix")
    env = b45dec(text[4:])
    f = pb_parse(env)
    if [(n, w) for n, w, _ in f] != [(1, 2), (2, 2)]: raise ValueError("envelope not canonical")
    payload, sig = f[0][2], f[1][2]
    if pb_field(1, payload) + pb_field(2, sig) != env: raise ValueError("envelope not canonical")
    if len(sig) != 64: raise ValueError("signature length")
    p = {}
    for n, w, v in pb_parse(payload):
        p[n] = v
    if len(p.get(5, b"")) != 4: raise ValueError("key_id")
    return payload, sig, p

def parse_trust_list(b):
    tl = {"keys": [], "withdrawn": []}
    for n, w, v in pb_parse(b):
        if n == 4: tl["keys"].append({k: vv for k, _, vv in pb_parse(v)})
        elif n == 5: tl["withdrawn"].append({k: vv for k, _, vv in pb_parse(v)})
        else: tl[n] = v
    return tl

def verify_label(text, tl, now):
    if now > tl.get(3, 0): return "TRUST_LIST_EXPIRED"
    try: payload, sig, p = decode_label(text)
    except Exception: return "MALFORMED"
    key = next((k for k in tl["keys"] if k.get(1) == p[5]), None)
    if key is None: return "UNKNOWN_KEY"
    if not ed_verify(key[3], sig, b"packtrail/label/v1\x00" + payload): return "BAD_SIGNATURE"
    if key.get(6) == 3: return "REVOKED_KEY"
    if not key.get(4, 0) <= p.get(6, 0) <= key.get(5, 0): return "KEY_NOT_VALID_AT_ISSUE"
    if key.get(2) != p.get(4): return "ISSUER_MISMATCH"
    for w in tl["withdrawn"]:
        if w.get(1) == p.get(3, 0):
            return {2: "REVOKED_LABEL", 3: "SUPERSEDED_LABEL"}.get(w.get(2), "MALFORMED")
    return "VALID"

def epoch(s): return int(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


# ---------------------------------------------------------------- the log (section 11)
def sha(b): return hashlib.sha256(b).digest()
def leaf_hash(d): return sha(b"\x00" + d)
def node_hash(l, r): return sha(b"\x01" + l + r)
def k_split(n):  # largest power of two smaller than n (n > 1)
    k = 1
    while k * 2 < n: k *= 2
    return k
def mth(data):
    if not data: return sha(b"")
    if len(data) == 1: return leaf_hash(data[0])
    k = k_split(len(data)); return node_hash(mth(data[:k]), mth(data[k:]))
def audit_path(m, data):  # RFC 9162 2.1.3.1, leaf first
    if len(data) <= 1: return []
    k = k_split(len(data))
    return audit_path(m, data[:k]) + [mth(data[k:])] if m < k else audit_path(m - k, data[k:]) + [mth(data[:k])]
def subproof(m, data, whole):  # RFC 9162 2.1.4.1
    n = len(data)
    if m == n: return [] if whole else [mth(data)]
    k = k_split(n)
    return subproof(m, data[:k], whole) + [mth(data[k:])] if m <= k else subproof(m - k, data[k:], False) + [mth(data[:k])]
def inclusion_len(i, n):
    inner = (i ^ (n - 1)).bit_length(); return inner + bin(i >> inner).count("1")
def consistency_len(m, n):
    level = (m & -m).bit_length() - 1; a, b = (m - 1) >> level, (n - 1) >> level
    inner = (a ^ b).bit_length(); return (0 if a == 0 else 1) + inner + bin(a >> inner).count("1")
def verify_inclusion(lh, i, n, proof, root):  # RFC 9162 2.1.3.2
    if not 0 <= i < n or len(proof) != inclusion_len(i, n): return False
    fn, sn, r = i, n - 1, lh
    for p in proof:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0: fn >>= 1; sn >>= 1
        else: r = node_hash(r, p)
        fn >>= 1; sn >>= 1
    return sn == 0 and r == root
def verify_consistency(m, n, r1, r2, proof):  # RFC 9162 2.1.4.2
    if not 0 < m < n or len(proof) != consistency_len(m, n): return False
    path_ = ([r1] if m & (m - 1) == 0 else []) + list(proof)
    fn, sn = m - 1, n - 1
    while fn & 1: fn >>= 1; sn >>= 1
    fr = sr = path_[0]
    for c in path_[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0: fn >>= 1; sn >>= 1
        else: sr = node_hash(sr, c)
        fn >>= 1; sn >>= 1
    return sn == 0 and fr == r1 and sr == r2
def note_key_hash(name, typ, pub): return sha(name.encode() + b"\n" + bytes([typ]) + pub)[:4]
def vkey(name, typ, pub):
    return "%s+%s+%s" % (name, note_key_hash(name, typ, pub).hex(), base64.b64encode(bytes([typ]) + pub).decode())
def parse_note(note):
    """(text, [(name, decoded bytes)]) of a C2SP signed note, or raise."""
    if len(note.encode()) > 65536 or any(ord(c) < 0x20 and c != "\n" for c in note): raise ValueError("note")
    i = note.rindex("\n\n"); text, sigs = note[:i + 1], note[i + 2:]
    if not sigs or not sigs.endswith("\n"): raise ValueError("signatures")
    out = []
    for line in sigs[:-1].split("\n"):
        if not line.startswith("\u2014 "): raise ValueError("line")
        name, b64 = line[2:].split(" ", 1)
        raw = base64.b64decode(b64, validate=True)
        if base64.b64encode(raw).decode() != b64: raise ValueError("non-canonical base64")
        if not name or "+" in name or len(raw) < 5: raise ValueError("signature")
        out.append((name, raw))
    return text, out
def note_verifies(note, name, typ, pub):
    text, sigs = parse_note(note)
    kh = note_key_hash(name, typ, pub)
    mine = [raw[4:] for n, raw in sigs if n == name and raw[:4] == kh]
    return bool(mine) and all(ed_verify(pub, s, text.encode()) for s in mine)
def cosig_verifies(note, name, pub):
    text, sigs = parse_note(note)
    kh = note_key_hash(name, 4, pub)
    mine = [raw[4:] for n, raw in sigs if n == name and raw[:4] == kh]
    ok = bool(mine)
    for raw in mine:
        if len(raw) != 72: return False  # a time and a signature, else no cosignature
        t = struct.unpack(">Q", raw[:8])[0]
        ok = ok and ed_verify(pub, raw[8:], b"cosignature/v1\ntime %d\n" % t + text.encode())
    return ok

# ================================================================ main
def main(path):
    md = open(path, encoding="utf-8").read()
    S = sections(md)

    # ---- section 2: production dates, VINs
    rows = table_after(S["2"], "character | year")
    year = {bt(r[0]): int(r[1]) for r in rows if r[1]}
    month = {bt(r[0]): int(r[2]) for r in rows if r[2]}
    day = {bt(r[0]): int(r[3]) for r in rows if r[3]}
    def prod_date(seg):
        try: return date(year[seg[0]], month[seg[1]], day[seg[2]]).isoformat()
        except (KeyError, ValueError): return ""
    for seg, exp in re.findall(r"Example: `(\w{3})` is (\d{4}-\d\d-\d\d)", S["2"]):
        check("2 production date %s -> %s" % (seg, exp), prod_date(seg) == exp, prod_date(seg))
    check("2 no character decodes to day 31", 31 not in day.values())
    nothing = re.search(r"((?:`\w`, )+`\w` and `\w`) stand for nothing", S["2"])
    bad = re.findall(r"`(\w)`", nothing.group(1))
    check("2 %s absent from every column" % "".join(bad), not any(c in year or c in month or c in day for c in bad))
    check("2 30 February decodes to empty", prod_date("S2" + next(k for k, v in day.items() if v == 30)) == "")
    for r in table_after(S["2"], "code | date positions"):
        code, (a, b) = bt(r[0]), map(int, r[1].split("-"))
        want = "" if r[3].startswith("empty") else bt(r[3])
        check("2 example %s: date %s -> %s" % (code, bt(r[2]), want or "empty"),
              code[a - 1:b] == bt(r[2]) and prod_date(bt(r[2])) == want)
        check("2 example %s: repurposed variant %s" % (code, r[4]),
              (len(code) == 19 and code[17] == "R" and code[18] == code[3]) == (r[4] == "true"))
    w = [int(x) for x in re.search(r"weights\s+`([\d ]+)`", S["2"]).group(1).split()]
    tr = {}
    for rng, vals in [("ABCDEFGH", range(1, 9)), ("JKLMN", range(1, 6)), ("P", [7]), ("R", [9]), ("STUVWXYZ", range(2, 10))]:
        tr.update(zip(rng, vals))
    def vin_ok(v):
        s = sum((int(c) if c.isdigit() else tr[c]) * wi for c, wi in zip(v, w)) % 11
        return len(v) == 17 and v[8] == ("X" if s == 10 else str(s))
    for v in re.findall(r"`([A-HJ-NPR-Z0-9]{17})`", re.search(r"\n(`[^\n]*are valid)", S["2"]).group(1)):
        check("2 VIN %s check digit" % v, vin_ok(v))

    # ---- section 3: encoding vector, decimals, enums, field tables
    m = re.search(r"fields `(\w+) = \"([^\"]*)\"`,\s+`(\w+) = \"([^\"]*)\"` encode as hex `([0-9a-f ]+)`", S["3"])
    got = canonical({m.group(1): m.group(2), m.group(3): m.group(4)}).hex()
    check("3 canonical encoding vector", got == m.group(5).replace(" ", ""), got)
    for r in table_after(S["3"], "sent as"):
        sent, bits, exact, canon = bt(r[0]), bt(r[1]), bt(r[2]), bt(r[3])
        x = struct.unpack(">d", bytes.fromhex(bits))[0]
        check("3 decimal %s bits" % sent, struct.pack(">d", float(sent)).hex() == bits)
        check("3 decimal %s exact value" % sent, Decimal(x).copy_abs() == Decimal(exact), str(Decimal(x)))
        check("3 decimal %s -> %s" % (sent, canon), canon_decimal(x) == canon, canon_decimal(x))
    enum_of = {}
    for r in table_after(S["3"], "keys | proto enum"):
        for k in re.findall(r"`([\w.]+)`", r[0]): enum_of[k] = bt(r[1])
    steps = {}  # step -> {request field path: (key, kind)}
    for st in ["registration", "sale", "removal", "collection", "shipment", "receipt", "inspection"]:
        part = re.search(r"#### " + st + r"\n(.*?)(?=\n####|\n### |\Z)", S["3"], re.S).group(1)
        steps[st] = {bt(r[1]): (bt(r[0]), r[2]) for r in table_after(part, "key | request field")}
    m = re.search(r"has the step fields (.*?); encoded they are (\d+)\s+bytes with SHA-256 `([0-9a-f]{64})`", S["3"], re.S)
    fl = dict(x.split(" = ", 1) for x in re.findall(r"`([^`]+ = [^`]+)`", m.group(1)))
    b = canonical(fl)
    check("3 inspection vector length %s" % m.group(2), len(b) == int(m.group(2)), str(len(b)))
    check("3 inspection vector sha256", hashlib.sha256(b).hexdigest() == m.group(3))
    v = re.search(r"state of certified energy ([\d.]+)", S["3"]).group(1)
    check("3 inspection vector %s -> %s" % (v, fl["inspection.soh.state_of_certified_energy_percent"]),
          canon_decimal(float(v)) == fl["inspection.soh.state_of_certified_energy_percent"])

    # ---- section 4: custody table
    custody = {}
    for r in table_after(S["4"], "step | `state.before`"):
        custody[r[0]] = (re.findall(r"`(\w+)`", r[1]), bt(r[2]), r[3], r[4])
    tag = re.search(r'"(packtrail/event-chain/v1)"', S["4"]).group(1).encode()

    # ---- section 7: keys, payload, signature, text, trust list
    s7 = S["7"]
    kv = {r[0]: bt(r[1]) for r in table_after(s7, "item | value")}
    keys = {}
    for who in ["issuer", "root"]:
        seed = bytes.fromhex(kv[who + " private key (seed)"])
        if HAVE_CRYPTO:
            sk = Ed25519PrivateKey.from_private_bytes(seed)
            pub = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            check("7 %s public key from seed" % who, pub.hex() == kv[who + " public key"])
            keys[who] = sk
        pub = bytes.fromhex(kv[who + " public key"])
        check("7 %s key id = SHA-256(pub)[:4]" % who, key_id(pub).hex() == kv[who + " key id"])
    m = re.search(r"Payload: unit code `(\w+)`, level (\w+), serial (\d+), issuer\s+`([\w-]+)`, key id `([0-9a-f]+)`, issued at (\d+)[^.]*\. Its (\d+) bytes", s7)
    lvl_table = dict((n.split()[1], int(n.split()[0])) for n in re.search(r"\| 2 `level` \|[^|]*\| ([^|]*)\|", s7).group(1).split(", "))
    payload = (pb_field(1, m.group(1)) + pb_field(2, lvl_table[m.group(2)]) + pb_field(3, int(m.group(3)))
               + pb_field(4, m.group(4)) + pb_field(5, bytes.fromhex(m.group(5))) + pb_field(6, int(m.group(6))))
    fs = fences(s7)
    pick = lambda pat: next(f for f in fs if re.match(pat, f))
    f_payload, f_sig = pick(r"0a [0-9a-f]{2} "), pick(r"[0-9a-f]{64}\n")
    f_text, f_tl = pick(r"PT1:"), pick(r"trust_list ")
    doc_payload = bytes.fromhex("".join(re.split(r"\s{2,}", l.strip())[0].replace(" ", "") for l in f_payload.strip().split("\n")))
    check("7 payload bytes rebuilt", payload == doc_payload, payload.hex())
    check("7 payload length %s" % m.group(7), len(payload) == int(m.group(7)))
    doc_sig = bytes.fromhex("".join(f_sig.split()))
    tagl = re.search(r'"(packtrail/label/v1)" \|\| 0x00', s7).group(1).encode() + b"\x00"
    if HAVE_CRYPTO:
        check("7 label signature rebuilt (deterministic)", keys["issuer"].sign(tagl + payload) == doc_sig)
        check("7 label signature verifies", ed_verify(bytes.fromhex(kv["issuer public key"]), doc_sig, tagl + payload))
    env = pb_field(1, payload) + pb_field(2, doc_sig)
    em = re.search(r"Envelope \((\d+) bytes\): `([0-9a-f ]+)` payload `([0-9a-f ]+)` signature", s7)
    check("7 envelope length %s" % em.group(1), len(env) == int(em.group(1)), str(len(env)))
    check("7 envelope headers", env.startswith(bytes.fromhex(em.group(2).replace(" ", "")) + payload + bytes.fromhex(em.group(3).replace(" ", ""))))
    doc_text = f_text.rstrip("\n")
    text = "PT1:" + b45enc(env)
    check("7 label text rebuilt (Base45)", text == doc_text)
    tm = re.search(r"Text, (\d+) characters.*?characters ([\d, and]+?)\s+\(counting from 0\) are spaces", s7, re.S)
    check("7 text length %s" % tm.group(1), len(doc_text) == int(tm.group(1)))
    sp = [int(x) for x in re.findall(r"\d+", tm.group(2))]
    check("7 spaces at %s" % sp, [i for i, c in enumerate(doc_text) if c == " "] == sp)
    n = len(env)
    check("7 length formula 4+3*floor(n/2)+2*(n mod 2)", 4 + 3 * (n // 2) + 2 * (n % 2) == len(doc_text))
    check("7 n = 111 + len(issuer) + len(serial varint)", n == 111 + len(m.group(4)) + len(varint(int(m.group(3)))))
    _, _, p = decode_label(doc_text)
    check("7 label decodes strictly", p[3] == int(m.group(3)) and p[1] == m.group(1).encode())
    for bad, why in [(doc_text[:-1], "dangling"), (doc_text.lower(), "lower case"), ("PT1:" + b45enc(env)[:-3] + "GGW", "group>65535"), (doc_text + "A1", "trailing garbage")]:
        try: decode_label(bad); ok = False
        except Exception: ok = True
        check("7 strict decoder refuses (%s)" % why, ok)
    # trust list
    tm = re.search(r"Trust list: version (\d+), issued at (\d+), expires at (\d+).*?one key\s+\(the issuer key above, issuer `([\w-]+)`, not before (\d+), not after (\d+)[^,]*,\s+(\w+)\); one withdrawn label \(serial (\d+), (\w+)\)\. Its (\d+) bytes", s7, re.S)
    kst = {v: int(k) for k, v in re.findall(r"(\d) (active|retired|revoked)", s7)}
    lst = {v: int(k) for k, v in re.findall(r"(\d) (revoked|superseded)", re.search(r"`LabelStatus`[^|]*", s7).group(0))}
    ipub = bytes.fromhex(kv["issuer public key"])
    keymsg = (pb_field(1, key_id(ipub)) + pb_field(2, tm.group(4)) + pb_field(3, ipub) + pb_field(4, int(tm.group(5)))
              + pb_field(5, int(tm.group(6))) + pb_field(6, kst[tm.group(7)]))
    wmsg = pb_field(1, int(tm.group(8))) + pb_field(2, lst[tm.group(9)])
    tl = pb_field(1, int(tm.group(1))) + pb_field(2, int(tm.group(2))) + pb_field(3, int(tm.group(3))) + pb_field(4, keymsg) + pb_field(5, wmsg)
    blk = {}
    cur = None
    for l in f_tl.strip().split("\n"):
        parts = l.split()
        if not l.startswith(" "): cur = parts[0]; parts = parts[1:]
        blk[cur] = blk.get(cur, "") + "".join(parts)
    doc_tl = bytes.fromhex(blk["trust_list"])
    check("7 trust list bytes rebuilt", tl == doc_tl, tl.hex())
    check("7 trust list length %s" % tm.group(10), len(doc_tl) == int(tm.group(10)))
    check("7 root_key_id", blk["root_key_id"] == kv["root key id"])
    ttag = re.search(r'"(packtrail/trust-list/v1)" \\\|\\\| 0x00', s7).group(1).encode() + b"\x00"
    tsig = bytes.fromhex(blk["signature"])
    if HAVE_CRYPTO:
        check("7 trust list signature rebuilt", keys["root"].sign(ttag + doc_tl) == tsig)
        check("7 trust list signature verifies", ed_verify(bytes.fromhex(kv["root public key"]), tsig, ttag + doc_tl))
        vm = re.search(r"Verified at (\S+Z) with the root public key, this list accepts the label text above", s7)
        T = parse_trust_list(doc_tl)
        check("7 label accepted at %s" % vm.group(1), verify_label(doc_text, T, epoch(vm.group(1))) == "VALID")
        check("7 label refused after expires_at", verify_label(doc_text, T, T[3] + 1) == "TRUST_LIST_EXPIRED")
        check("7 label good at expires_at itself", verify_label(doc_text, T, T[3]) == "VALID")

    # ---- section 8: event chains
    s8 = S["8"]
    events = re.findall(r"#### ([AB]\d) (\w+)\n(.*?)(?=\n#### |\n### |\Z)", s8, re.S)
    built = {}
    units = {}
    sec8 = {}  # eid -> (documented fields, results): section 15 builds on them
    for eid, step, body in events:
        req_txt, flds_txt, hashes_txt = fences(body)[:3]
        req = parse_textproto(req_txt)
        docf, dochex = {}, []
        lines = flds_txt.strip("\n").split("\n")
        for kl, hl in zip(lines[::2], lines[1::2]):
            k, v = kl.split(" = ", 1)
            h = bytes.fromhex(hl.replace(" ", ""))
            docf[k] = v; dochex.append(h)
            check("8 %s %s: hex line is its own key = value" % (eid, k), h == field(k, v))
        H = dict(l.split(None, 1) for l in hashes_txt.strip().split("\n"))
        doc_bytes = b"".join(dochex)
        sec8[eid] = (dict(docf), H)
        # rebuild from request + server choices + earlier events
        u = units.setdefault(eid[0], {"seq": 0, "prev": bytes(32), "state": None, "cust": None, "site": None})
        site = req["actor_site"]
        org = "/".join(site.split("/")[:2])
        rf = {"event.id": (req.get("request_id") or req.get("event_id")).lower(),
              "event.time": canon_time(int(req["event_time"].get("seconds", 0)), int(req["event_time"].get("nanos", 0))),
              "actor.site": site,
              "unit.code": req["code"] if "code" in req else req["unit"][len("units/"):]}
        stepmsg = None
        for st in steps:
            if st in req: stepmsg = (st, req[st])
        st, msg = stepmsg
        rf["event.type"] = st
        def walk(msg, prefix=""):
            for k, v in msg.items():
                if isinstance(v, dict): walk(v, prefix + k + "."); continue
                key, kind = steps[st][prefix + k]
                if kind.startswith("enum"):
                    pre = upper_snake(enum_of[key]) + "_"
                    val = v[len(pre):] if v.startswith(pre) else None
                elif kind.startswith("decimal"): val = canon_decimal(float(v))
                elif kind.startswith("integer"): val = str(int(v))
                else: val = v
                if val: rf[key] = val
        walk(msg)
        if req.get("label_text"):
            _, _, lp = decode_label(req["label_text"])
            rf["label.serial"] = str(lp[3])
            check("8 %s label's unit_code is the event's unit" % eid, lp[1].decode() == rf["unit.code"])
        if req.get("device"): rf["device"] = req["device"]  # section 10: part of the statement
        digest = hashlib.sha256(canonical(rf)).hexdigest()
        built[eid] = (req, rf)
        befores, after, cust_rule, site_rule = custody[st]
        full = dict(rf)
        if req.get("device"): full["device.signature"] = req["device_signature"].hex()
        full["actor.organization"] = org
        full["log.index"] = docf["log.index"]; full["record.time"] = docf["record.time"]  # server's choice
        u["seq"] += 1; full["unit.sequence"] = str(u["seq"])
        if u["state"] is not None: full["state.before"] = u["state"]
        full["state.after"] = after
        check("8 %s state.before allowed by section 4" % eid, (u["state"] is None and not befores) or u["state"] in befores)
        cb = canonical(full)
        check("8 %s canonical bytes rebuilt from request" % eid, cb == doc_bytes,
              "extra=%s missing=%s" % (set(full) - set(docf), set(docf) - set(full)) if set(full) != set(docf) else
              str({k for k in full if full[k] != docf[k]}))
        h = hashlib.sha256(tag + u["prev"] + doc_bytes).digest()
        check("8 %s previous" % eid, u["prev"].hex() == H["previous"])
        check("8 %s hash" % eid, h.hex() == H["hash"])
        check("8 %s digest" % eid, digest == H["digest"], digest)
        # custody replay
        old_c, old_s = u["cust"], u["site"]
        c = {"`actor.organization`": org, "`sale.dealer`": full.get("sale.dealer"), "unchanged": old_c}[cust_rule]
        if site_rule == "`actor.site`": s = site
        elif site_rule == "unchanged": s = old_s
        elif site_rule.startswith("`actor.site` if `sale.dealer` is `actor.organization`"):
            s = site if full["sale.dealer"] == org else None
        else: raise ValueError(site_rule)
        u.update(prev=h, state=after, cust=c, site=s)
        check("8 %s custodian" % eid, c == H["custodian"], str(c))
        check("8 %s custodian_site" % eid, (s or "-") == H["custodian_site"], str(s))

    # ---- section 9: the new steps, continuing section 8's units
    s9 = S["9"]
    keys9 = {}  # step -> [(key, request field, value, presence)]
    for r in table_after(s9, "step | key | request field"):
        keys9.setdefault(r[0], []).append((bt(r[1]), r[2], r[3], r[4]))
    parts9 = {}  # step -> [(part, befores, after, custodian rule)], primary part first
    for r in table_after(s9, "step | part | `state.before`"):
        befores = ["ANY"] if r[2] == "any" else re.findall(r"`([A-Z_]+)`", r[2])
        if r[2].startswith("(absent"): befores.append(None)  # registered by the step
        parts9.setdefault(r[0], []).append((r[1], befores, bt(r[3]), r[4]))
    def as_list(v): return [] if v is None else v if isinstance(v, list) else [v]
    def unit_code(name): return name[len("units/"):] if name.startswith("units/") else name
    def step_fields(st, msg):
        """The step's keys from its request message, by the section 9 table."""
        out = {}
        for key, rfield, kind, presence in keys9[st]:
            path = bt(rfield)
            m = re.match(r"(\w+)\[NNN\]\.?(.*)", path)
            items = [(None, msg)]
            if m:  # per element of a repeated field
                items = [("%03d" % i, x) for i, x in enumerate(as_list(msg.get(m.group(1))))]
                path = m.group(2)
            elif "(their number)" in rfield:
                out[key] = str(len(as_list(msg.get(path)))); continue
            for idx, sub in items:
                k = key.replace("NNN", idx) if idx else key
                names = re.match(r"(.*)\{([a-z,]+)\}(.*)", path)
                variants = [(k, path)] if not names else [
                    (re.sub(r"\{[a-z,]+\}", e, k), names.group(1) + e + names.group(3))
                    for e in names.group(2).split(",")]
                for kk, pp in variants:
                    v = sub
                    for part in (pp.split(".") if pp else []):
                        v = v.get(part) if isinstance(v, dict) else None
                    if v is None and "0.000 when left out" in rfield: v = "0"
                    if v is None: continue
                    if kind.startswith("enum"):  # without the enum's prefix
                        v = v[len(upper_snake(bt(kind)) + "_"):]
                    elif kind.startswith("decimal"): v = canon_decimal(float(v))
                    elif kind.startswith("integer"): v = str(int(v))
                    elif "a unit name" in rfield: v = unit_code(v)
                    out[kk] = v
        return out
    def uuid5(ns, name):
        h = bytearray(hashlib.sha1(bytes.fromhex(ns.replace("-", "")) + name.encode()).digest()[:16])
        h[6] = 0x50 | (h[6] & 0x0f); h[8] = 0x80 | (h[8] & 0x3f)
        x = h.hex(); return "-".join([x[:8], x[8:12], x[12:16], x[16:20], x[20:]])
    m = re.search(r"namespace\s+`([0-9a-f-]{36})`, name `(\w+)` gives\s+`([0-9a-f-]{36})`", s9)
    check("9 UUIDv5 vector", uuid5(m.group(1), m.group(2)) == m.group(3))
    m = re.search(r"`log.index` counts on from (\d+)", s9); log_index = int(m.group(1))
    tv = s9[s9.index("### Test vectors"):]
    units9 = {rf["unit.code"]: units[e[0]] for e, (_, rf) in built.items()}  # section 8's
    for eid, st, body in re.findall(r"#### ([A-Z]\d) (\w+)\n(.*?)(?=\n#### |\n### |\Z)", tv, re.S):
        fs = fences(body)
        req = parse_textproto(fs[0])
        site = req["actor_site"]; org = "/".join(site.split("/")[:2])
        code = req["code"] if "code" in req else unit_code(req["unit"])
        ev_time = canon_time(int(req["event_time"].get("seconds", 0)), int(req["event_time"].get("nanos", 0)))
        rec_time = canon_time(int(req["event_time"].get("seconds", 0)) + 1, int(req["event_time"].get("nanos", 0)))
        step_id = (req.get("request_id") or req.get("event_id")).lower()
        rf = {"event.id": step_id, "event.time": ev_time, "actor.site": site, "unit.code": code,
              "event.type": st}
        if st in keys9: rf.update(step_fields(st, req.get(st, {})))
        else:  # a step of section 3, as in section 8
            def walk(msg, prefix=""):
                for k, v in msg.items():
                    if isinstance(v, dict): walk(v, prefix + k + "."); continue
                    key, kind = steps[st][prefix + k]
                    if kind.startswith("enum"):
                        pre = upper_snake(enum_of[key]) + "_"
                        val = v[len(pre):] if v.startswith(pre) else None
                    elif kind.startswith("decimal"): val = canon_decimal(float(v))
                    elif kind.startswith("integer"): val = str(int(v))
                    else: val = v
                    if val: rf[key] = val
            walk(req.get(st, {}))
        if req.get("label_text"): rf["label.serial"] = str(decode_label(req["label_text"])[2][3])
        if req.get("device"): rf["device"] = req["device"]
        digest = hashlib.sha256(canonical(rf)).hexdigest()
        several = st in parts9 and len(parts9[st]) > 1 or st == "recycling"
        touched = [(code, parts9[st][0] if st in parts9 else None)]
        if several:
            others = {"trade_in": [rf.get("trade_in.replacement")],
                      "dismantling": [v for k, v in sorted(rf.items()) if re.match(r"dismantling\.child\.\d+\.code$", k)],
                      "assembly": [v for k, v in sorted(rf.items()) if re.match(r"assembly\.source\.\d+$", k)],
                      "recycling": [v for k, v in sorted(rf.items()) if re.match(r"recycling\.input\.\d+$", k)]}[st]
            touched += [(c, parts9[st][-1]) for c in others]
        check("9 %s blocks: request, then fields and results per touched unit" % eid,
              len(fs) == 1 + 2 * len(touched), str(len(fs)))
        for i, (c, part) in enumerate(touched):
            u = units9.setdefault(c, {"seq": 0, "prev": bytes(32), "state": None, "cust": None, "site": None})
            full = dict(rf)
            full["unit.code"] = c
            if i > 0:
                full["event.id"] = uuid5(step_id, c)
                full.pop("label.serial", None)  # only in the primary event
            elif req.get("device"): full["device.signature"] = req["device_signature"].hex()
            if several: full.update({"step.id": step_id, "step.part": bt(part[0]) if part[0].startswith("`") else part[0], "step.unit": code})
            full["actor.organization"] = org
            full["log.index"] = str(log_index); log_index += 1
            full["record.time"] = rec_time
            u["seq"] += 1; full["unit.sequence"] = str(u["seq"])
            if u["state"] is not None: full["state.before"] = u["state"]
            if part is None:  # a step of section 4's table
                befores, after, cust_rule, site_rule = custody[st]
            else:
                _, befores, after, cust_rule = part
                if st == "correction": after = u["state"]
            full["state.after"] = after
            check("9 %s %s state.before allowed" % (eid, c), u["state"] in befores or "ANY" in befores
                  or (u["state"] is None and not befores))
            lines = fs[1 + 2 * i].strip("\n").split("\n")
            doc_bytes = b"".join(bytes.fromhex(h.replace(" ", "")) for h in lines[1::2])
            cb = canonical(full)
            docf = dict(l.split(" = ", 1) for l in lines[::2])
            for kl, hl in zip(lines[::2], lines[1::2]):
                check("9 %s %s: hex line is its own key = value" % (eid, kl.split(" = ")[0]),
                      bytes.fromhex(hl.replace(" ", "")) == field(*kl.split(" = ", 1)))
            check("9 %s %s canonical bytes rebuilt from request" % (eid, c), cb == doc_bytes,
                  "extra=%s missing=%s differ=%s" % (set(full) - set(docf), set(docf) - set(full),
                  {k for k in full if k in docf and full[k] != docf[k]}))
            H = dict(l.split(None, 1) for l in fs[2 + 2 * i].strip().split("\n"))
            h = hashlib.sha256(tag + u["prev"] + cb).digest()
            check("9 %s %s previous" % (eid, c), u["prev"].hex() == H["previous"])
            check("9 %s %s hash" % (eid, c), h.hex() == H["hash"])
            check("9 %s %s digest" % (eid, c), digest == H["digest"], digest)
            if part is None:
                cc = {"`actor.organization`": org, "`sale.dealer`": full.get("sale.dealer"), "unchanged": u["cust"]}[cust_rule]
                if site_rule == "`actor.site`": ss = site
                elif site_rule == "unchanged": ss = u["site"]
                else: ss = site if full.get("sale.dealer") == org else None
            elif cust_rule == "unchanged": cc, ss = u["cust"], u["site"]
            else:
                assert cust_rule == "`actor.organization` at `actor.site`", cust_rule
                cc, ss = org, site
            u.update(prev=h, state=after, cust=cc, site=ss)
            check("9 %s %s custodian" % (eid, c), cc == H["custodian"], str(cc))
            check("9 %s %s custodian_site" % (eid, c), (ss or "-") == H["custodian_site"], str(ss))

    # ---- section 5: idempotency vector
    s5 = S["5"]
    ev = re.search(r"The \w+ ([AB]\d) of section 8,\s+scanned with label (\d+)", s5).group(1)
    f5 = fences(s5)
    lines = f5[1].strip("\n").split("\n")
    want = b"".join(bytes.fromhex(h.replace(" ", "")) for h in lines[1::2])
    req, rf = built[ev]
    check("5 digest input bytes = %s request fields" % ev, canonical(rf) == want)
    D = {}
    for l in f5[2].strip().split("\n"):
        name, hx = l.rsplit(None, 1); D[name.strip()] = hx
    check("5 digest", hashlib.sha256(want).hexdigest() == D["digest"])
    nolab = {k: v for k, v in rf.items() if k != "label.serial"}
    check("5 digest without label", hashlib.sha256(canonical(nolab)).hexdigest() == D["digest without label"])

    # ---- section 10: device signatures, rebuilt from the vector's request alone
    s10 = S["10"]
    kv10 = {r[0]: bt(r[1]) for r in table_after(s10, "item | value")}
    f10 = fences(s10[s10.index("### Test vectors"):])
    lines = f10[0].strip("\n").split("\n")
    want = b"".join(bytes.fromhex(h.replace(" ", "")) for h in lines[1::2])
    dsig = bytes.fromhex("".join(f10[1].split()))
    dtag = re.search(r'"(packtrail/device-step/v1)" \|\| 0x00 \|\| statement', s10).group(1).encode() + b"\x00"
    req, rf = built[re.search(r"signs the collection ([AB]\d) of section 8", s10).group(1)]
    check("10 the vector's request names the device", req.get("device") == kv10["device (text)"])
    check("10 statement = the request's digest fields plus device", canonical(rf) == want)
    check("10 the request carries the signature", req.get("device_signature") == dsig)
    dpub = bytes.fromhex(kv10["device public key"])
    if HAVE_CRYPTO:
        dsk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(kv10["device private key (seed)"]))
        from cryptography.hazmat.primitives import serialization as _ser
        check("10 public key from the seed", dsk.public_key().public_bytes(_ser.Encoding.Raw, _ser.PublicFormat.Raw) == dpub)
        check("10 signature rebuilt", dsk.sign(dtag + canonical(rf)) == dsig)
        check("10 signature verifies over the rebuilt statement", ed_verify(dpub, dsig, dtag + canonical(rf)))
        check("10 not under the label tag", not ed_verify(dpub, dsig, b"packtrail/label/v1\x00" + canonical(rf)))

    # the keys an auditor drops to rebuild a device's statement, read from section 10's steps
    steps10 = s10[s10.index("An auditor checks a signed event"):s10.index("Another touched unit")]
    step1 = re.search(r"^1\. (.*?)^2\. ", steps10, re.S | re.M).group(1)
    step2 = re.search(r"^2\. .*?then drop (.*?)^3\. ", steps10, re.S | re.M).group(1)
    unsigned = set(re.findall(r"`([a-z_.]+)`", step1)) - {"section"} | set(re.findall(r"`([a-z_.]+)`", step2))

    # ---- section 15: who submitted an event: section 8's events plus the submitter keys
    s14 = section_titled(md, "Who submitted an event")
    keys14 = table_after(s14, "key | value | presence")
    check("15 keys", sorted(bt(r[0]) for r in keys14) == ["submitter.certificate_serial", "submitter.kind", "submitter.name"])
    kinds14 = re.findall(r"`([A-Z_]+)`", [r for r in keys14 if bt(r[0]) == "submitter.kind"][0][1])
    check("15 kinds that record steps", kinds14 == ["PRINCIPAL_KIND_", "ORGANIZATION_SYSTEM", "DEVICE", "WORKER", "OPERATOR"], str(kinds14))
    kinds14 = kinds14[1:]
    check("15 the statement of section 10 drops the submitter keys",
          {"submitter.kind", "submitter.name", "submitter.certificate_serial"} <= unsigned, str(unsigned))
    check("15 the digest of section 5 leaves them out", "`submitter.` keys" in S["5"])
    tv14 = s14[s14.index("### Test vectors"):]
    rows14 = table_after(tv14, "vector | event of section 8")
    subs14 = re.findall(r"#### (S\d+) [^\n]*\n(.*?)(?=\n#### |\Z)", tv14, re.S)
    check("15 one subsection per vector", [r[0] for r in rows14] == [x[0] for x in subs14])
    for row, (sid, body) in zip(rows14, subs14):
        base, kind, name, serial = row[1], bt(row[2]), bt(row[3]), bt(row[4])
        flds, res = fences(body)[:2]
        sf, shex = {}, []
        lines = flds.strip("\n").split("\n")
        for kl, hl in zip(lines[::2], lines[1::2]):
            k, v = kl.split(" = ", 1)
            h = bytes.fromhex(hl.replace(" ", ""))
            sf[k] = v; shex.append(h)
            check("15 %s %s: hex line is its own key = value" % (sid, k), h == field(k, v))
        sbytes = b"".join(shex)
        f8, H8 = sec8[base]
        want = dict(f8, **{"submitter.kind": kind, "submitter.name": name, "submitter.certificate_serial": serial})
        check("15 %s = %s plus the submitter keys" % (sid, base), sf == want,
              "extra=%s missing=%s" % (set(sf) - set(want), set(want) - set(sf)))
        check("15 %s bytes are the canonical encoding" % sid, canonical(sf) == sbytes)
        check("15 %s kind is one that records steps" % sid, kind in kinds14)
        shape = {"DEVICE": r"^organizations/[a-z][a-z0-9-]+/sites/[a-z][a-z0-9-]+/devices/[a-z][a-z0-9-]+$",
                 "WORKER": r"^organizations/[a-z][a-z0-9-]+/sites/[a-z][a-z0-9-]+$",
                 "ORGANIZATION_SYSTEM": r"^organizations/[a-z][a-z0-9-]+$",
                 "OPERATOR": r"^organizations/[a-z][a-z0-9-]+$"}[kind]
        check("15 %s name fits its kind" % sid, re.match(shape, name) is not None)
        check("15 %s submitter acts for the acting organisation" % sid,
              name == sf["actor.organization"] or name.startswith(sf["actor.organization"] + "/"))
        check("15 %s serial is hex" % sid, re.match(r"^[0-9a-f]+$", serial) is not None)
        R = dict(l.split(None, 1) for l in res.strip().split("\n"))
        check("15 %s previous is %s's" % (sid, base), R["previous"] == H8["previous"])
        check("15 %s hash" % sid, hashlib.sha256(tag + bytes.fromhex(R["previous"]) + sbytes).hexdigest() == R["hash"])
        check("15 %s hash differs from %s's" % (sid, base), R["hash"] != H8["hash"])
        check("15 %s digest is %s's (not in the request)" % (sid, base), R["digest"] == H8["digest"])
        if "device" in sf:
            stmt = canonical({k: v for k, v in sf.items() if k not in unsigned})
            check("15 %s statement without the submitter keys is section 10's" % sid,
                  sf["device"] != kv10["device (text)"] or stmt == canonical(built[base][1]))
            if HAVE_CRYPTO:
                check("15 %s device signature still verifies" % sid,
                      ed_verify(dpub, bytes.fromhex(sf["device.signature"]), dtag + stmt))
                keep = {k: v for k, v in sf.items() if k not in unsigned - {"submitter.kind", "submitter.name", "submitter.certificate_serial"}}
                check("15 %s a verifier keeping the submitter keys fails" % sid,
                      not ed_verify(dpub, bytes.fromhex(sf["device.signature"]), dtag + canonical(keep)))

    # ---- Registry entries: each vector rebuilt and checked against the key tables
    rs = section_titled(md, "Registry entries")
    common = table_after(rs, "key | value | presence")
    check("R common keys", [bt(r[0]) for r in common] == ["entry.type", "log.index", "record.time"])
    types = re.findall(r"`([a-z_]+)`", common[0][1])
    ktab = {}
    for r in table_after(rs, "entry.type | key | value | presence"):
        ktab.setdefault(r[0], {})[bt(r[1])] = r[3]
    check("R one key table per entry type", sorted(ktab) == sorted(types), str(sorted(ktab)))
    TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
    INT = re.compile(r"^(0|[1-9]\d*)$")
    HEX64 = re.compile(r"^[0-9a-f]{64}$")
    seen = {}
    vec = re.split(r"^#### (R\d+) (\w+)\n", rs[rs.index("### Test vectors"):], flags=re.M)
    for i in range(1, len(vec), 3):
        rid, rtype, body = vec[i], vec[i + 1], vec[i + 2]
        fb, hb = fences(body)[:2]
        lines = fb.strip("\n").split("\n")
        f, raw, okhex = {}, b"", True
        for kvl, hexl in zip(lines[0::2], lines[1::2]):
            k, v = kvl.split(" = ", 1)
            okhex &= field(k, v).hex() == hexl.replace(" ", "")
            f[k] = v; raw += bytes.fromhex(hexl.replace(" ", ""))
        check("%s each field's hex is section 3's encoding of its line" % rid, okhex)
        check("%s keys sorted, each once" % rid, canonical(f) == raw and len(f) == len(lines) // 2)
        check("%s entry.type = %s, a documented type" % (rid, rtype), f.get("entry.type") == rtype and rtype in types)
        check("%s has every field of every entry" % rid, all(k in f for k in ["entry.type", "log.index", "record.time"]))
        check("%s no event.id" % rid, "event.id" not in f)
        tab = ktab[rtype]
        own = [k for k in f if k not in ("entry.type", "log.index", "record.time")]
        check("%s every key is in its type's table" % rid, all(re.sub(r"\.\d{3}$", ".NNN", k) in tab for k in own),
              str([k for k in own if re.sub(r"\.\d{3}$", ".NNN", k) not in tab]))
        check("%s every 'always' key present" % rid, all(k in f for k, pres in tab.items() if pres == "always" and "NNN" not in k))
        check("%s log.index, record.time spelled as section 3" % rid, INT.match(f["log.index"]) and TIME.match(f["record.time"]))
        for k in own:
            if k.endswith(("not_before", "not_after")):
                check("%s %s is a time" % (rid, k), bool(TIME.match(f[k])))
            if k.endswith("public_key"):
                check("%s %s is 32 bytes of lower-case hex" % (rid, k), bool(HEX64.match(f[k])))
        if rtype == "organization":
            roles = [f[k] for k in sorted(k for k in f if re.match(r"organization\.role\.\d{3}$", k))]
            check("R organization roles counted", int(f["organization.role_count"]) == len(roles) >= 1)
            check("R organization roles sorted by their bytes", roles == sorted(roles, key=lambda r: r.encode()))
            check("R organization name", re.match(r"^organizations/[a-z][a-z0-9-]{2,62}$", f["organization.name"]) is not None)
        if rtype == "site":
            check("R site belongs to site.organization", f["site.name"].startswith(f["site.organization"] + "/sites/"))
        if rtype.startswith("label_key"):
            check("%s key name = organization/labelKeys/id" % rid, f["label_key.name"] == f["label_key.organization"] + "/labelKeys/" + f["label_key.id"])
        if "label_key.public_key" in f:
            check("%s key id = SHA-256(public key)[:4] (section 7)" % rid, key_id(bytes.fromhex(f["label_key.public_key"])).hex() == f["label_key.id"])
        if rtype == "label_withdrawal":
            check("R withdrawal: superseded_by exactly when SUPERSEDED", (f["label.status"] == "SUPERSEDED") == ("label.superseded_by" in f) and f["label.status"] in ("REVOKED", "SUPERSEDED"))
        if rtype.startswith("device"):
            check("%s device of device.site" % rid, f["device.name"].startswith(f["device.site"] + "/devices/"))
        check("%s leaf hash = SHA-256(0x00 || bytes)" % rid, hb.split()[-1] == hashlib.sha256(b"\x00" + raw).hexdigest())
        seen[rtype] = f
    check("R one vector per entry type", sorted(seen) == sorted(types), str(sorted(seen)))
    # the vectors are the keys, label and device of sections 7 and 10
    lk, wd, de = seen["label_key"], seen["label_withdrawal"], seen["device_enrollment"]
    check("R label_key is section 7's issuer key", lk["label_key.public_key"] == kv["issuer public key"] and lk["label_key.id"] == kv["issuer key id"])
    wl = re.search(r"one withdrawn label \(serial (\d+), (\w+)\)", s7)
    check("R withdrawal is section 7's withdrawn label", wd["label.serial"] == wl.group(1) and wd["label.status"] == wl.group(2).upper())
    pl = re.search(r"Payload: unit code `(\w+)`, level \w+, serial (\d+)", s7)
    check("R superseded by section 7's label", wd["label.superseded_by"] == pl.group(2) and wd["label.unit_code"] == pl.group(1))
    check("R device is section 10's", de["device.public_key"] == kv10["device public key"] and de["device.name"] == kv10["device (text)"])
    check("R revocation and retirement name the key and device above",
          seen["label_key_revocation"]["label_key.name"] == lk["label_key.replaces"] and seen["device_retirement"]["device.name"] == de["device.name"])
    check("R no event of sections 8 and 9 has entry.type", not re.search(r"^entry\.type = ", S["8"] + S["9"], re.M))

    # ---- section "The log" (12): leaves, tree, checkpoints, cosignatures, from the document alone
    s11 = S[re.search(r"^## (\d+)\. The log: leaves, tree", md, re.M).group(1)]
    tv = s11[s11.index("### Test vectors"):]
    kv = {r[0]: bt(r[1]) for r in table_after(tv, "item | value")}
    f11 = fences(tv)
    rows11 = [l.split() for l in f11[0].strip("\n").split("\n")[1:]]
    data = [bytes.fromhex(r[1]) for r in rows11]
    check("12 leaf hashes = SHA-256(0x00 || data)", [leaf_hash(d).hex() for d in data] == [r[2] for r in rows11])
    roots = {int(r[0]): bytes.fromhex(r[1]) for r in (l.split() for l in f11[1].strip("\n").split("\n")[1:])}
    check("12 roots of sizes 0..%d (naive MTH)" % len(data), all(mth(data[:n]) == roots[n] for n in range(len(data) + 1)))
    check("12 empty tree root = SHA-256()", roots[0] == sha(b""))
    m = re.search(r"Inclusion proof of leaf (\d+) in the tree of size (\d+)", tv); li, ln = int(m.group(1)), int(m.group(2))
    incl = [bytes.fromhex(h) for h in f11[2].split()]
    check("12 inclusion proof = RFC 9162 PATH", incl == audit_path(li, data[:ln]))
    check("12 inclusion proof length formula", len(incl) == inclusion_len(li, ln))
    check("12 inclusion proof verifies", verify_inclusion(leaf_hash(data[li]), li, ln, incl, roots[ln]))
    check("12 inclusion proof refused for another leaf", not verify_inclusion(leaf_hash(data[li + 1]), li, ln, incl, roots[ln]))
    m = re.search(r"Consistency proof from size (\d+) to size (\d+)", tv); c1, c2 = int(m.group(1)), int(m.group(2))
    cons = [bytes.fromhex(h) for h in f11[3].split()]
    check("12 consistency proof = RFC 9162 SUBPROOF", cons == subproof(c1, data[:c2], True))
    check("12 consistency proof length formula", len(cons) == consistency_len(c1, c2))
    check("12 consistency proof verifies", verify_consistency(c1, c2, roots[c1], roots[c2], cons))
    check("12 consistency proof refused for a forked first root", not verify_consistency(c1, c2, roots[c1 - 1], roots[c2], cons))
    # every size and pair up to the vector's tree, proofs built and checked here
    check("12 every inclusion/consistency proof up to size %d" % len(data),
          all(verify_inclusion(leaf_hash(data[i]), i, n, audit_path(i, data[:n]), mth(data[:n])) for n in range(1, len(data) + 1) for i in range(n))
          and all(verify_consistency(a, b, mth(data[:a]), mth(data[:b]), subproof(a, data[:b], True)) for b in range(2, len(data) + 1) for a in range(1, b)))
    origin = kv["origin = log key name"]
    body = "%s\n%d\n%s\n" % (origin, ln, base64.b64encode(roots[ln]).decode())
    check("12 checkpoint body", f11[4] == body)
    if HAVE_CRYPTO:
        raw = lambda sk: sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        lsk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(kv["log private key (seed, hex)"]))
        lpub = raw(lsk)
        check("12 log public key from the seed", lpub.hex() == kv["log public key (hex)"])
        check("12 log key hash", note_key_hash(origin, 1, lpub).hex() == kv["log key hash (type 0x01, hex)"])
        check("12 log verifier key", vkey(origin, 1, lpub) == kv["log verifier key"])
        line = "\u2014 %s %s\n" % (origin, base64.b64encode(note_key_hash(origin, 1, lpub) + lsk.sign(body.encode())).decode())
        check("12 signed checkpoint rebuilt", f11[5] == body + "\n" + line)
        check("12 signed checkpoint verifies", note_verifies(f11[5], origin, 1, lpub))
        check("12 edited checkpoint refused", not note_verifies(f11[5].replace("\n%d\n" % ln, "\n%d\n" % (ln + 1)), origin, 1, lpub))
        wsk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(kv["witness private key (seed, hex)"]))
        wpub, wname, t = raw(wsk), kv["witness name"], int(kv["cosignature timestamp"])
        check("12 witness public key from the seed", wpub.hex() == kv["witness public key (hex)"])
        check("12 witness key hash (type 0x04)", note_key_hash(wname, 4, wpub).hex() == kv["witness key hash (type 0x04, hex)"])
        check("12 witness verifier key", vkey(wname, 4, wpub) == kv["witness verifier key"])
        msg = b"cosignature/v1\ntime %d\n" % t + body.encode()
        check("12 cosigned message", f11[6].encode() == msg)
        cline = "\u2014 %s %s\n" % (wname, base64.b64encode(note_key_hash(wname, 4, wpub) + struct.pack(">Q", t) + wsk.sign(msg)).decode())
        check("12 cosigned checkpoint rebuilt", f11[7] == body + "\n" + line + cline)
        check("12 cosignature verifies", cosig_verifies(f11[7], wname, wpub))
        check("12 log signature still verifies beside it", note_verifies(f11[7], origin, 1, lpub))
        check("12 cosignature refused with another timestamp",
              not cosig_verifies(f11[7].replace(cline, "\u2014 %s %s\n" % (wname, base64.b64encode(note_key_hash(wname, 4, wpub) + struct.pack(">Q", t + 1) + wsk.sign(msg)).decode())), wname, wpub))
        check("12 the witness key is not the log key", not note_verifies(f11[7], wname, 1, wpub))

    # ---- Offline audit bundles (13): the documented bundle verified from the document alone
    sb = section_titled(md, "Offline audit bundles")
    tvb = sb[sb.index("### Test vector"):]
    bkey = re.search(r"Log verifier key: `([^`]*)`", tvb).group(1)
    btext = fences(tvb)[0]
    def unfields(b):
        out, i, prev = {}, 0, None
        while i < len(b):
            kl = struct.unpack(">H", b[i:i + 2])[0]; k = b[i + 2:i + 2 + kl]; i += 2 + kl
            vl = struct.unpack(">I", b[i:i + 4])[0]; v = b[i + 4:i + 4 + vl]; i += 4 + vl
            if prev is not None and not prev < k: raise ValueError("order")
            out[k.decode()] = v.decode(); prev = k
        return out
    def bproof(t): return [] if t == "-" else [bytes.fromhex(h) for h in t.split(",")]
    blines = btext.split("\n")
    check("13 bundle ends with a line feed", btext.endswith("\n") and blines[-1] == "")
    blines = blines[:-1]
    check("13 header", blines[0] == "packtrail-audit-bundle/v2")
    check("13 subject line", blines[1].startswith("subject units/"))
    check("13 log-key line is the documented key", blines[2] == "log-key " + bkey)
    bnote = base64.b64decode(blines[3].split(" ")[1]).decode()
    kname, khash, kb64 = bkey.split("+", 2)
    kraw = base64.b64decode(kb64); lpub13 = kraw[1:]
    check("13 verifier key hash", note_key_hash(kname, kraw[0], lpub13).hex() == khash)
    ctext, _ = parse_note(bnote)
    corigin, csize, croot = ctext.split("\n")[:3]
    csize, croot = int(csize), base64.b64decode(croot)
    if HAVE_CRYPTO:
        check("13 checkpoint signed by the log key", note_verifies(bnote, kname, 1, lpub13))
    check("13 checkpoint origin is the key name", corigin == kname)
    _, bunit, bcount = blines[4].split(" ")
    check("13 one unit, the subject", blines[1] == "subject units/" + bunit)
    bev = [l.split(" ") for l in blines[5:] if l.startswith("event ")]
    breg = [l.split(" ") for l in blines[5:] if l.startswith("registry ")]
    blab = [l.split(" ") for l in blines[5:] if l.startswith("label ")]
    check("13 every line is an event, registry or label line, in that order",
          [l.split(" ")[0] for l in blines[5:]] == ["event"] * len(bev) + ["registry"] * len(breg) + ["label"] * len(blab))
    reg = {}
    for r in breg:
        f = unfields(base64.b64decode(r[2]))
        check("13 registry entry %s log.index" % r[1], f["log.index"] == r[1])
        check("13 registry entry %s included" % r[1], verify_inclusion(leaf_hash(base64.b64decode(r[2])), int(r[1]), csize, bproof(r[3]), croot))
        if f["entry.type"] == "label_key":
            check("13 label key %s named by its organisation and the id of its public key" % r[1],
                  f["label_key.name"] == f["label_key.organization"] + "/labelKeys/" + key_id(bytes.fromhex(f["label_key.public_key"])).hex())
        reg.setdefault(f["entry.type"], []).append((int(r[1]), f))
    # labels: section 7's signed payload, canonical, of the line's serial
    PAYLOAD_WIRE = {1: 2, 2: 0, 3: 0, 4: 2, 5: 2, 6: 0}
    labels = {}
    check("13 label lines in ascending serial order, each once", [int(l[1]) for l in blab] == sorted({int(l[1]) for l in blab}))
    for l in blab:
        payload, sig = base64.b64decode(l[2], validate=True), bytes.fromhex(l[3])
        pf = pb_parse(payload)
        check("13 label %s payload canonical (section 7)" % l[1],
              [n for n, _, _ in pf] == sorted({n for n, _, _ in pf}) and all(PAYLOAD_WIRE.get(n) == w for n, w, _ in pf)
              and b"".join(pb_field(n, v) for n, _, v in pf) == payload)
        pd = {n: v for n, _, v in pf}
        check("13 label %s: 64-byte signature, 4-byte key id, its serial" % l[1], len(sig) == 64 and len(pd.get(5, b"")) == 4 and pd.get(3) == int(l[1]))
        labels[l[1]] = (payload, sig, pd)
    def before(i, g, idx, f, strict):  # an entry before an event: lower index, or earlier (or same, unless strict) record.time
        return i < idx or (g["record.time"] < f["record.time"] if strict else g["record.time"] <= f["record.time"])
    def label_verdict(f, idx, labels, reg):
        if f["label.serial"] not in labels: return "LABEL_SIGNATURE: not carried"
        payload, sig, pd = labels[f["label.serial"]]
        if pd.get(1, b"").decode() != f["unit.code"]: return "LABEL_SIGNATURE: another unit's label"
        kname = "organizations/%s/labelKeys/%s" % (pd[4].decode(), pd[5].hex())
        keys = [(i, g) for i, g in reg.get("label_key", []) if g["label_key.name"] == kname]
        if not keys: return "LABEL_SIGNATURE: key entry not carried"
        ki, kg = keys[0]
        if not before(ki, kg, idx, f, False): return "LABEL_SIGNATURE: key created later"
        if HAVE_CRYPTO and not ed_verify(bytes.fromhex(kg["label_key.public_key"]), sig, b"packtrail/label/v1\x00" + payload): return "LABEL_SIGNATURE: forged"
        secs = lambda t: int(datetime.strptime(t[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp())
        if not secs(kg["label_key.not_before"]) <= pd.get(6, 0) <= secs(kg["label_key.not_after"]): return "LABEL_SIGNATURE: not valid at issue"
        if any(g["label_key.name"] == kname and before(i, g, idx, f, True) for i, g in reg.get("label_key_revocation", [])): return "LABEL_SIGNATURE: key revoked before the step"
        if any(g["label.serial"] == f["label.serial"] and before(i, g, idx, f, True) and g["record.time"] <= f["event.time"] for i, g in reg.get("label_withdrawal", [])): return "LABEL: withdrawn before the step"
        return "VALID"
    # section 4's "Roles" table: the roles (one is enough) each step and part needs; "any role
    # but regulator" is every role the table names (the regulator is named by none)
    roles_rows = table_after(section_titled(md, "Per-unit hash chain"), "step | part | roles")
    role_word = lambda w: w.strip().upper().replace(" ", "_")
    named_roles = {role_word(w) for r in roles_rows if r[2] != "any role but regulator" for w in r[2].split(",")}
    ROLE_TABLE = {(r[0], r[1]): named_roles if r[2] == "any role but regulator" else {role_word(w) for w in r[2].split(",")}
                  for r in roles_rows}
    check("13 the roles table lists every step with a part, 8 roles named", len(ROLE_TABLE) == 19 and len(named_roles) == 8, sorted(named_roles))
    def org_verdict(f, idx, reg):
        """Section 13 step 5: the recording organisation's entry is before the event and holds a role the step needs."""
        orgs = [(i, g) for i, g in reg.get("organization", []) if g["organization.name"] == f["actor.organization"]]
        if not orgs: return "WARNING: no organization entry"
        oi, og = orgs[0]
        if not before(oi, og, idx, f, False): return "REGISTRY: created later"
        held = {v for k, v in og.items() if re.fullmatch(r"organization\.role\.\d{3}", k)}
        needed = ROLE_TABLE.get((f["event.type"], f.get("step.part", "subject")))
        if needed is None: return "WARNING: step not in the table"
        return "VALID" if held & needed else "REGISTRY: no role the step needs"
    prev = bytes(32)
    check("13 event count", len(bev) == int(bcount))
    for n, e in enumerate(bev, 1):
        cb = base64.b64decode(e[3]); f = unfields(cb)
        check("13 event %d sequence, unit and log.index" % n, f["unit.sequence"] == str(n) and f["unit.code"] == bunit and f["log.index"] == e[1])
        prev = sha(b"packtrail/event-chain/v1" + prev + cb)
        check("13 event %d chain hash" % n, prev.hex() == e[2])
        check("13 event %d included" % n, verify_inclusion(leaf_hash(cb), int(e[1]), csize, bproof(e[4]), croot))
        if "device" in f and HAVE_CRYPTO:
            enr = [(i, g) for i, g in reg.get("device_enrollment", []) if g["device.name"] == f["device"]]
            check("13 event %d device enrolled before it" % n, enr and (enr[0][0] < int(e[1]) or enr[0][1]["record.time"] <= f["record.time"]))
            check("13 event %d device enrolled at the event's site" % n, bool(enr) and enr[0][1]["device.site"] == f["actor.site"])
            stmt = canonical({k: v for k, v in f.items() if k not in unsigned})
            check("13 event %d device signature" % n, ed_verify(bytes.fromhex(enr[0][1]["device.public_key"]), bytes.fromhex(f["device.signature"]), b"packtrail/device-step/v1\x00" + stmt))
        check("13 event %d organisation holds a role its %s step needs" % (n, f["event.type"]), org_verdict(f, int(e[1]), reg) == "VALID", org_verdict(f, int(e[1]), reg))
        dealer = dict(reg); dealer["organization"] = [(i, dict({k: v for k, v in g.items() if not k.startswith("organization.role")}, **{"organization.role.000": "DEALER", "organization.role_count": "1"})) for i, g in reg.get("organization", [])]
        if f["event.type"] != "sale":
            check("13 event %d refused when its organisation were a dealer only" % n, org_verdict(f, int(e[1]), dealer) == "REGISTRY: no role the step needs")
        late = dict(reg); late["organization"] = [(i, dict(g, **{"record.time": "9999"})) for i, g in reg.get("organization", [])]
        check("13 event %d refused when its organisation's entry came later" % n, org_verdict(f, int(e[1]), late) == "REGISTRY: created later")
        if "label.serial" in f:
            check("13 event %d label: carried, this unit's, signed by its key (created before, valid at issue, not revoked), not withdrawn before it" % n,
                  label_verdict(f, int(e[1]), labels, reg) == "VALID", label_verdict(f, int(e[1]), labels, reg))
            # the same checks refuse what they must: a forged signature, a key revoked before the step
            p0, s0, d0 = labels[f["label.serial"]]
            forged = dict(labels); forged[f["label.serial"]] = (p0, s0[:20] + bytes([s0[20] ^ 1]) + s0[21:], d0)
            if HAVE_CRYPTO:
                check("13 event %d forged label refused" % n, label_verdict(f, int(e[1]), forged, reg) == "LABEL_SIGNATURE: forged")
            kname = "organizations/%s/labelKeys/%s" % (d0[4].decode(), d0[5].hex())
            revoked = dict(reg); revoked["label_key_revocation"] = [(len(breg) + 99, {"label_key.name": kname, "record.time": "0000"})]
            check("13 event %d label under a key revoked before the step refused" % n, label_verdict(f, int(e[1]), labels, revoked) == "LABEL_SIGNATURE: key revoked before the step")
            late = dict(reg); late["label_key_revocation"] = [(int(e[1]) + 1, {"label_key.name": kname, "record.time": "9999"})]
            check("13 event %d label under a key revoked after the step valid" % n, label_verdict(f, int(e[1]), labels, late) == "VALID")

    # ---- 13, second vector: the same bundle, its checkpoint cosigned by two witnesses
    tvc = sb[sb.index("### Test vector: a cosigned checkpoint"):]
    logname = bkey.split("+")[0]
    wkeys = {r[0]: bt(r[1]) for r in table_after(tvc, "witness | verifier key")}
    fc = fences(tvc)
    cline = fc[0].strip("\n")
    cnote = fc[1]
    check("13c the checkpoint line is base64 of the decoded note", cline.startswith("checkpoint ")
          and base64.b64decode(cline.split(" ")[1], validate=True).decode() == cnote)
    ctext2, csigs = parse_note(cnote)
    check("13c the same checkpoint as the plain bundle's (so every proof holds)", ctext2 == ctext)
    check("13c the log's line first, then one line per witness", [n for n, _ in csigs] == [logname] + list(wkeys))
    def wpub_of(vk):
        n, h, b = vk.split("+", 2); r = base64.b64decode(b)
        check("13c witness key %s: type 0x04, hash of name and key" % n, r[0] == 4 and note_key_hash(n, 4, r[1:]).hex() == h)
        return n, r[1:]
    trusted = [wpub_of(v) for v in wkeys.values()]
    def witness_verdict(note, trusted, n):
        """Section 13 step 8: every line of a trusted witness verifies; at least n of them cosigned."""
        _, sigs = parse_note(note)
        count = 0
        seen = set()
        for name, pub in trusted:
            if pub in seen: continue  # one key listed twice is one witness
            seen.add(pub)
            if not any(nm == name and raw[:4] == note_key_hash(name, 4, pub) for nm, raw in sigs): continue
            if not cosig_verifies(note, name, pub): return "COSIGNATURE"
            count += 1
        return "VALID" if count >= n else "TOO_FEW_COSIGNATURES"
    if HAVE_CRYPTO:
        check("13c the log's signature verifies beside the cosignatures", note_verifies(cnote, logname, 1, lpub13))
        check("13c w1 is section 12's witness", trusted[0][1].hex() == kv["witness public key (hex)"])
        for n in range(3):
            check("13c VALID under both witnesses, %d required" % n, witness_verdict(cnote, trusted, n) == "VALID")
        w1line = [l for l in cnote.split("\n") if l.startswith("\u2014 " + trusted[0][0] + " ")][0]
        raw1 = base64.b64decode(w1line.split(" ")[2])
        flipped = cnote.replace(w1line, "\u2014 %s %s" % (trusted[0][0], base64.b64encode(raw1[:40] + bytes([raw1[40] ^ 1]) + raw1[41:]).decode()))
        check("13c a flipped bit of w1's signature: COSIGNATURE, even with none required",
              witness_verdict(flipped, trusted, 0) == "COSIGNATURE" and note_verifies(flipped, logname, 1, lpub13))
        w2line = [l for l in cnote.split("\n") if l.startswith("\u2014 " + trusted[1][0] + " ")][0]
        check("13c w2 trusted alone, its line dropped: TOO_FEW_COSIGNATURES (w1's line ignored)",
              witness_verdict(cnote.replace(w2line + "\n", ""), trusted[1:], 1) == "TOO_FEW_COSIGNATURES")
        # w1's genuine cosignature of another checkpoint (size 6 of the same log), moved here
        w1sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(kv["witness private key (seed, hex)"]))
        t1 = struct.unpack(">Q", raw1[4:12])[0]
        other = "%s\n%d\n%s\n" % (logname, csize - 1, base64.b64encode(bytes(32)).decode())
        moved = base64.b64encode(raw1[:12] + w1sk.sign(b"cosignature/v1\ntime %d\n" % t1 + other.encode())).decode()
        check("13c w1's cosignature of another checkpoint: COSIGNATURE",
              witness_verdict(cnote.replace(w1line, "\u2014 %s %s" % (trusted[0][0], moved)), trusted, 1) == "COSIGNATURE")
        m2 = re.search(r"`%s` \(seed `[0-9a-f.]+`, 32 bytes counting up from `([0-9a-f]{2})`\)" % re.escape(trusted[1][0]), tvc)
        w2sk = Ed25519PrivateKey.from_private_bytes(bytes((int(m2.group(1), 16) + i) % 256 for i in range(32)))
        check("13c w2's public key from its seed", raw(w2sk) == trusted[1][1])
        tc = int(re.search(r"cosigned by two witnesses at (\d+)", tvc).group(1))
        check("13c both lines rebuilt from the seeds and the time", all(
            "\u2014 %s %s" % (nm, base64.b64encode(note_key_hash(nm, 4, raw(sk)) + struct.pack(">Q", tc) + sk.sign(b"cosignature/v1\ntime %d\n" % tc + ctext.encode())).decode()) in cnote.split("\n")
            for nm, sk in [(trusted[0][0], w1sk), (trusted[1][0], w2sk)]))


    # ---- Deployment certificates (14): the principal URI grammar and the vector certificate
    sc = section_titled(md, "Deployment certificates (mutual TLS)")
    ID = r"[a-z][a-z0-9-]{2,62}"
    def principal(uri):
        """(kind, organization, site, device) of a principal URI, from the grammar; None if refused."""
        m = re.fullmatch(r"packtrail:principal:([a-z-]+)(?::(.*))?", uri, re.S)
        if not m: return None
        kind, scope = m.group(1), m.group(2)
        org_re, site_re = r"organizations/(%s)" % ID, r"organizations/(%s)/sites/(%s)" % (ID, ID)
        dev_re = site_re + r"/devices/(%s)" % ID
        def full(rx): return scope is not None and re.fullmatch(rx, scope)
        if kind == "organization-system" and full(org_re): return ("ORGANIZATION_SYSTEM", scope, None, None)
        if kind == "worker" and full(site_re): return ("WORKER", "organizations/" + full(site_re).group(1), scope, None)
        if kind == "device" and full(dev_re):
            d = full(dev_re); return ("DEVICE", "organizations/" + d.group(1), "organizations/%s/sites/%s" % (d.group(1), d.group(2)), scope)
        if kind in ("auditor", "regulator") and (scope is None or full(org_re)): return (kind.upper(), scope, None, None)
        if kind == "operator" and scope is None: return ("OPERATOR", None, None, None)
        return None
    def cellv(c): return bt(c) if c else None
    ex = table_after(sc, "URI | kind")
    check("14 six principal URI examples", len(ex) == 6)
    for r in ex:
        check("14 example %s" % bt(r[0]), principal(bt(r[0])) == (r[1], cellv(r[2]), cellv(r[3]), cellv(r[4])), str(principal(bt(r[0]))))
    ref = table_after(sc, "URI | why")
    check("14 seven refused URIs", len(ref) == 7)
    for r in ref:
        check("14 refused %s" % bt(r[0]), principal(bt(r[0])) is None)

    def der(b, i):
        """(tag, content start, content end) of the DER element at i."""
        tag, n = b[i], b[i + 1]; i += 2
        if n & 0x80:
            k = n & 0x7f; n = int.from_bytes(b[i:i + k], "big"); i += k
        return tag, i, i + n
    def children(b, start, end):
        out = []
        while start < end:
            t, s0, e0 = der(b, start); out.append((t, s0, e0, start)); start = e0
        return out
    def oid(b):
        first = b[0]; parts = [first // 40, first % 40]; v = 0
        for x in b[1:]:
            v = (v << 7) | (x & 0x7f)
            if not x & 0x80: parts.append(v); v = 0
        return ".".join(map(str, parts))
    def pem_der(text):
        body = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S).group(1)
        return base64.b64decode("".join(body.split()))
    def cert_parts(c):
        _, s0, e0 = der(c, 0)
        tbs_t, tbs_s, tbs_e, tbs_at = children(c, s0, e0)[0]
        sig = children(c, s0, e0)[2]
        f = children(c, tbs_s, tbs_e)
        # version [0], serial, signature, issuer, validity, subject, spki, [3] extensions
        exts = {}
        for t, a, z, _ in f:
            if t == 0xa3:
                seq = children(c, a, z)[0]
                for _, xa, xz, _ in children(c, seq[1], seq[2]):
                    xs = children(c, xa, xz)
                    exts[oid(c[xs[0][1]:xs[0][2]])] = c[xs[-1][1]:xs[-1][2]]
        return {"tbs": c[tbs_at:tbs_e], "serial": c[f[1][1]:f[1][2]], "issuer": c[f[3][3]:f[3][2]],
                "subject": c[f[5][3]:f[5][2]], "spki": c[f[6][3]:f[6][2]], "exts": exts,
                "sig": c[sig[1] + 1:sig[2]]}
    tv = sc[sc.index("### Test vector"):]
    vca, vcl = [pem_der(t) for t in fences(tv)]
    ca_p, cl_p = cert_parts(vca), cert_parts(vcl)
    vserial = re.search(r"Serial: `([0-9a-f]{32})`", tv).group(1)
    check("14 serial: 16 bytes, first 0x40-0x7f, as documented", len(cl_p["serial"]) == 16 and 0x40 <= cl_p["serial"][0] <= 0x7f and cl_p["serial"].hex() == vserial)
    check("14 issuer is the CA's subject", cl_p["issuer"] == ca_p["subject"])
    san = cl_p["exts"].get("2.5.29.17", b"")
    names = children(san, *der(san, 0)[1:]) if san else []
    uris = [san[a:z].decode() for t, a, z, _ in names if t == 0x86 and san[a:z].startswith(b"packtrail:principal:")]
    check("14 exactly one principal URI", len(uris) == 1, str(uris))
    vp = re.search(r"Principal: (\w+), organization `([^`]*)`, site\s+`([^`]*)`, device\s+`([^`]*)`", tv)
    check("14 the URI names the documented principal", uris and principal(uris[0]) == vp.groups(), str(uris))
    eku = cl_p["exts"].get("2.5.29.37", b"")
    check("14 extendedKeyUsage clientAuth", eku and any(oid(eku[a:z]) == "1.3.6.1.5.5.7.3.2" for t, a, z, _ in children(eku, *der(eku, 0)[1:]) if t == 0x06))
    bc = cl_p["exts"].get("2.5.29.19")
    check("14 basicConstraints CA:FALSE", bc is not None and b"\x01\x01\xff" not in bc)
    if HAVE_CRYPTO:
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.serialization import load_der_public_key
        capub = load_der_public_key(ca_p["spki"])
        def ecdsa_ok(pub, sig, data):
            try: pub.verify(sig, data, ec.ECDSA(hashes.SHA256())); return True
            except Exception: return False
        check("14 the CA signed the client certificate", ecdsa_ok(capub, cl_p["sig"], cl_p["tbs"]))
        check("14 the CA certificate is self-signed", ecdsa_ok(capub, ca_p["sig"], ca_p["tbs"]))
        check("14 an edited certificate fails", not ecdsa_ok(capub, cl_p["sig"], cl_p["tbs"].replace(b"dock-2", b"dock-3")))

    # ---- section 16: exports (CSV and EPCIS 2.0 JSON-LD), rebuilt from the input of the vector
    s14 = S["16"]
    vin_text, vcsv, vjson = [m.group(2) for m in re.finditer(r"^```(text|csv|json)\n(.*?)^```", s14, re.S | re.M)][:3]
    names, evs, cur = {}, [], None
    for line in vin_text.split("\n"):
        if line in ("", "names"): continue
        if line == "event": cur = {}; evs.append(cur); continue
        k, v = line.split(" = ", 1); v = v.replace("\\n", "\n")
        (names if cur is None else cur)[k] = v
    prevs = {}
    for f in evs:
        cb = canonical(f); h = sha(tag + prevs.get(f["unit.code"], bytes(32)) + cb)
        prevs[f["unit.code"]] = h; f["_hash"] = h.hex()
    evs.sort(key=lambda f: (f["event.time"], int(f["log.index"])))
    # the EPCIS table of the document: step -> (event type, action, bizSteps, disposition)
    etab = {}
    for r in table_after(s14, "step | EPCIS event"):
        etab[r[0]] = (r[1], r[2], re.findall(r"`([^`]*)`", r[3]), bt(r[4]) if r[4] else None)
    def biz(f, part=None):
        steps = etab[f["event.type"]][2]
        if not steps: return ""
        return steps[1] if f["event.type"] == "trade_in" and part == "replacement" else steps[0]
    cols = [bt(r[0]) for r in table_after(s14, "column | value")]
    cols = cols[:16] + ["step_id", "step_unit", "step_part"] + cols[17:]
    def guard(v):
        v = "'" + v if v and v[0] in "=+-@\t\r'" else v
        # inside a field, an apostrophe after a ';', a tab or a line end that a guarded character follows
        return re.sub(r"([;\t\r\n])(?=[=+\-@\t\r'\"])", r"\1'", v)
    def cell(v):
        v = guard(v)
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\r\n;\t') else v
    rows = []
    for f in evs:
        t = f["event.type"]
        det = {k: v for k, v in sorted(f.items()) if k.startswith(t + ".")}
        org, site = f["actor.organization"], f["actor.site"]
        vals = {"unit": f["unit.code"], "sequence": f["unit.sequence"], "log_index": f["log.index"],
                "event_id": f["event.id"], "event_time": f["event.time"], "record_time": f["record.time"],
                "step": t, "biz_step": biz(f, f.get("step.part")), "state_before": f.get("state.before", ""),
                "state_after": f["state.after"], "organization": org, "organization_name": names.get(org, ""),
                "site": site, "site_name": names.get(site, ""), "device": f.get("device", ""),
                "label_serial": f.get("label.serial", ""), "step_id": f.get("step.id", ""),
                "step_unit": f.get("step.unit", ""), "step_part": f.get("step.part", ""), "hash": f["_hash"],
                "details": json.dumps(det, ensure_ascii=False, separators=(",", ":")) if det else ""}
        rows.append(",".join(cell(vals[c]) for c in cols))
    check("14 CSV columns as documented", vcsv.split("\n")[0] == ",".join(cols))
    check("14 CSV rebuilt", vcsv == "\n".join([",".join(cols)] + rows) + "\n")
    ID, VOC = "https://id.packtrail.io/", "https://ns.packtrail.io/epcis/"
    def uid(c): return ID + "units/" + c
    def idx(f, prefix, suffix=""):
        out, i = [], 0
        while "%s%03d%s" % (prefix, i, suffix) in f: out.append(f["%s%03d%s" % (prefix, i, suffix)]); i += 1
        return out
    def epcis_events(f, among=None):
        among = evs if among is None else among
        t, site, org = f["event.type"], f["actor.site"], f["actor.organization"]
        prim = f.get("step.unit", f["unit.code"]); eid = f.get("step.id", f["event.id"])
        kind, action, _, disp = etab[t]
        def head(k, i):
            return {"type": k, "eventTime": f["event.time"], "eventTimeZoneOffset": "+00:00",
                    "recordTime": f["record.time"], "eventID": "urn:uuid:" + i}
        out = []
        if t in ("dismantling", "assembly"):
            e = head("AggregationEvent", eid); e["parentID"] = uid(prim)
            e["childEPCs"] = [uid(c) for c in (idx(f, "dismantling.child.", ".code") if t == "dismantling" else idx(f, "assembly.source."))]
            e["action"] = action; e["bizLocation"] = {"id": ID + site}; out.append(e)
        elif t == "recycling":
            e = head("TransformationEvent", eid)
            e["inputEPCList"] = [uid(prim)] + [uid(c) for c in idx(f, "recycling.input.")]
            e["outputQuantityList"] = [{"epcClass": ID + "materialLots/" + lot, "quantity": Decimal(f["recycling.lot.%03d.mass_kg" % i]), "uom": "KGM"} for i, lot in enumerate(idx(f, "recycling.lot.", ".id"))]
            e["bizLocation"] = {"id": ID + site}; out.append(e)
        else:
            e = head("ObjectEvent", eid); e["epcList"] = [uid(f["unit.code"])]; e["action"] = action
            if t not in ("sale", "shipment"): e["bizLocation"] = {"id": ID + site}
            if t == "shipment":
                to = f["shipment.destination_site"]
                e["bizTransactionList"] = [{"type": "bol", "bizTransaction": ID + "waybills/" + f["shipment.waybill"]}]
                e["sourceList"] = [{"type": "possessing_party", "source": ID + org}, {"type": "location", "source": ID + site}]
                e["destinationList"] = [{"type": "possessing_party", "destination": ID + to.split("/sites/")[0]}, {"type": "location", "destination": ID + to}]
            if t == "receipt":
                if "receipt.waybill" in f: e["bizTransactionList"] = [{"type": "bol", "bizTransaction": ID + "waybills/" + f["receipt.waybill"]}]
                e["destinationList"] = [{"type": "possessing_party", "destination": ID + org}, {"type": "location", "destination": ID + site}]
            if t == "registration": e["ilmd"] = {"packtrail:" + k: v for k, v in f.items() if k.startswith("registration.")}
            out.append(e)
        for e in out:
            e["bizStep"] = biz(f); e["readPoint"] = {"id": ID + site}
            if disp: e["disposition"] = disp
            e["packtrail:organization"] = ID + org
            if "device" in f: e["packtrail:device"] = ID + f["device"]
            if "label.serial" in f: e["packtrail:label"] = ID + "labels/" + f["label.serial"]
            e["packtrail:events"] = [ID + "units/%s/events/%s" % (g["unit.code"], g["unit.sequence"]) for g in among
                                     if g is f or ("step.id" in f and g.get("step.id") == f["step.id"])]
            if t != "registration":
                e.update({"packtrail:" + k: v for k, v in f.items() if k.startswith(t + ".")})
        return out
    elist, seen = [], set()
    for f in evs:
        sid = f.get("step.id", f["event.id"])
        if sid in seen: continue
        seen.add(sid); elist += epcis_events(f)
    doc = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"packtrail": VOC}],
           "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-03-01T00:00:00.000000Z",
           "packtrail:subject": uid(evs[0]["unit.code"]), "epcisBody": {"eventList": elist}}
    documented = json.loads(vjson, parse_float=Decimal)
    check("14 EPCIS document rebuilt", documented == doc)
    check("14 EPCIS events: one per step", len(documented["epcisBody"]["eventList"]) == len(seen))
    # the export of a query: the selected events in log order, packtrail:query for the subject
    qjson = re.search(r"### Test vector of a query export.*?^```json\n(.*?)^```", s14, re.S | re.M).group(1)
    sel = sorted((f for f in evs if f["event.type"] in ("dismantling", "recycling")), key=lambda f: int(f["log.index"]))
    qlist, qseen = [], set()
    for f in sel:
        sid = f.get("step.id", f["event.id"])
        if sid in qseen: continue
        qseen.add(sid); qlist += epcis_events(f, sel)
    qdoc = dict(doc); del qdoc["packtrail:subject"]
    qdoc["packtrail:query"] = 'type = "dismantling" OR type = "recycling"'
    qdoc["epcisBody"] = {"eventList": qlist}
    check("16 query export rebuilt", json.loads(qjson, parse_float=Decimal) == qdoc)
    check("16 query export: the dismantling once for both units' events",
          len(qlist) == 2 and len(qlist[0]["packtrail:events"]) == 2)

    # ---- 17: anomaly ids
    sec17 = section_titled(md, "Anomaly ids (issue 11)")
    rows = table_after(sec17, "kind")
    check("17 anomaly id vectors present", len(rows) >= 4)
    for kind_cell, events_cell, id_cell in rows:
        kind = bt(kind_cell)
        events = re.findall(r"`([^`]*)`", events_cell)
        text = kind + "\n" + "".join(e + "\n" for e in events)
        check("17 anomaly id " + kind, hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] == bt(id_cell))
    hexed = re.search(r"\(hex\)\n`([0-9a-f]+)`", sec17).group(1)
    check("17 hashed bytes example", bytes.fromhex(hexed).decode("utf-8") ==
          bt(rows[0][0]) + "\n" + re.findall(r"`([^`]*)`", rows[0][1])[0] + "\n")
    # ---- section 18: working calendars, counted from the vector calendar alone
    s17 = section_titled(md, "Working calendars (reporting deadlines)")
    cal_text = fences(s17)[0]
    years, days = set(), {}
    for line in cal_text.split("\n"):
        line = line.split("#")[0].strip()
        if not line: continue
        w = line.split(None, 2)
        if w[0] == "year": years.add(int(w[1])); continue
        days[date.fromisoformat(w[0])] = (w[1] == "workday")
    def working(d):
        return days[d] if d in days else d.weekday() < 5
    def add_working(d, n):
        prov, c = False, 0
        while c < n:
            d += timedelta(days=1)
            prov |= d.year not in years
            if working(d): c += 1
        return d, prov
    for row in table_after(s17, "step's day"):
        due, prov = add_working(date.fromisoformat(row[0]), int(row[1]))
        check("18 %s + %s working days" % (row[0], row[1]),
              due.isoformat() == row[2] and prov == (row[3] == "yes"), "%s %s" % (due, prov))
    m = re.search(r"a step at `([^`]+)` is on \w+ (\d+) March.*?15\s+working days end on (\d+) "
                  r"March; it is late when received at or after `([^`]+)`", s17, re.S)
    step = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ") + timedelta(hours=8)
    due, _ = add_working(step.date(), 15)
    end = datetime.combine(due + timedelta(days=1), datetime.min.time()) - timedelta(hours=8)
    check("18 due instant", step.day == int(m.group(2)) and due.day == int(m.group(3))
          and end.strftime("%Y-%m-%dT%H:%M:%SZ") == m.group(4), end.isoformat())

    print("%d passed, %d failed" % (PASS, FAIL))
    return 1 if FAIL else 0

if __name__ == "__main__":
    if not HAVE_CRYPTO: print("NOTE: `cryptography` not importable; signature checks skipped")
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/formats.md"))
