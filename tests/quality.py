#!/usr/bin/python3
"""Figures of a rule pack over the fixture corpus (make quality).

Runs every tests/fixtures/NAME.html through build/synfilter and counts, over
the whole corpus:

    boilerplate blocks removed / present   (each "removed" phrase)
    article paragraphs kept / present      (each "kept" phrase)
    legit credits kept / present           (each "credit_kept" phrase)
    sources right / expected               (each "source": the credit links it
                                            with its name, and the CLI summary
                                            reports it as the source used)
    sources taken where the page names none

how many rules of the pack fire on at least one page, and then lists
every fixture that fails any of its expectations (the same
checks as the pytest suite, tests/fixture_check.py).  The exit status is 0
only when all four figures are 100% and no fixture fails.

    tests/quality.py [--synfilter PATH] [--fixtures DIR]
                     [--rules-from DIR] [--chunk N] [--selfcheck] [-v]

--rules-from DIR runs with --no-builtin and every DIR/*.rules instead of the
compiled-in pack (to try rule edits before "make rules").  --selfcheck only
checks that the fixtures' expectations hold on the input pages themselves
(a removed phrase that is not in the page tests nothing).
"""

import argparse
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fixture_check  # noqa: E402

FIELDS = (("removed", "boilerplate blocks removed"),
          ("kept", "article paragraphs kept"),
          ("credit_kept", "legit credits kept"),
          ("source", "sources right"))


def run_filter(cmd, data):
    p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def builtin_stale():
    """A note when src/sf_builtin_rules.c is not what conf/rules makes:
    the figures would then be those of an older pack."""
    top = os.path.join(HERE, "..")
    tool = os.path.join(top, "tools", "embed-rules.sh")
    built = os.path.join(top, "src", "sf_builtin_rules.c")
    if not os.path.exists(tool) or not os.path.exists(built):
        return None
    p = subprocess.run(["sh", tool, os.path.join(top, "conf", "rules")],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    with open(built, "rb") as f:
        if p.returncode == 0 and p.stdout == f.read():
            return None
    return ("src/sf_builtin_rules.c differs from conf/rules: run "
            "'make rules' and rebuild, or use --rules-from conf/rules")


# Built-in detectors: they decide blocks like rules, under these ids.
DETECTORS = {"shape-footer"}


def rule_ids(directory):
    """The ids of the rules in directory/*.rules, in file order."""
    ids = []
    for path in sorted(glob.glob(os.path.join(directory, "*.rules"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                words = line.split()
                if len(words) == 2 and words[0] == "rule":
                    ids.append(words[1])
    return ids


def pct(ok, total):
    if total == 0:
        return "  -  "
    return "%5.1f%%" % (100.0 * ok / total)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--synfilter", default=os.path.join(
        HERE, "..", "build", "synfilter"))
    ap.add_argument("--fixtures", default=os.path.join(HERE, "fixtures"))
    ap.add_argument("--rules-from", metavar="DIR")
    ap.add_argument("--chunk", type=int, default=0)
    ap.add_argument("--selfcheck", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    fixtures = fixture_check.fixtures(args.fixtures)
    if not fixtures:
        print("no fixtures in %s" % args.fixtures)
        return 2

    if args.selfcheck:
        bad = 0
        for name, html_path, json_path in fixtures:
            with open(html_path, "rb") as f:
                inp = f.read()
            for line in fixture_check.selfcheck(
                    inp, fixture_check.load(json_path)):
                print("%s: %s" % (name, line))
                bad += 1
        print("%d fixtures, %d problems" % (len(fixtures), bad))
        return 1 if bad else 0

    cmd = [args.synfilter]
    if args.rules_from:
        cmd.append("--no-builtin")
        for path in sorted(glob.glob(os.path.join(args.rules_from,
                                                  "*.rules"))):
            cmd += ["-r", path]
    if args.chunk:
        cmd += ["--chunk", str(args.chunk)]

    if not os.access(cmd[0], os.X_OK):
        print("%s: not built (make build/synfilter)" % cmd[0])
        return 2

    note = builtin_stale() if not args.rules_from else None

    totals = {f: [0, 0] for f, _ in FIELDS}
    failed = []
    wrong = 0
    fired = set()
    removed_by = {"catalogue": 0, "shape": 0}
    for name, html_path, json_path in fixtures:
        with open(html_path, "rb") as f:
            inp = f.read()
        exp = fixture_check.load(json_path)
        rc, out, err = run_filter(cmd, inp)
        if rc != 0:
            failed.append((name, ["synfilter exit %d: %s"
                                  % (rc, err.strip()[:300])]))
            for field, _ in FIELDS:
                n = len(exp.get(field, [])) if field != "source" else \
                    int(bool(exp.get("source")))
                totals[field][1] += n
            continue
        res = fixture_check.score(inp, out, exp)
        learned = fixture_check.check_learned(err, exp)
        if learned and res["source"]:
            # the credit is right only when the engine used that source
            res["source"] = [(src, False) for src, _ok in res["source"]]
        if learned and not exp.get("source"):
            wrong += 1
        for field, _ in FIELDS:
            for _item, ok in res[field]:
                totals[field][0] += int(ok)
                totals[field][1] += 1
        problems = fixture_check.check(inp, out, exp) + learned
        rc, _out, report = run_filter(cmd + ["--report"], inp)
        for line in report.splitlines():
            words = line.split()
            if len(words) >= 3 and words[0] == "synfilter:" \
                    and "=" not in words[1]:
                fired.add(words[1])
                if words[2] != "keep-source":
                    by = "shape" if words[1] in DETECTORS else "catalogue"
                    removed_by[by] += 1
        if problems:
            failed.append((name, problems))
        if args.verbose:
            print("%-40s %s" % (name, err.strip()))

    print("rule pack: %s" % ("files in " + args.rules_from
                             if args.rules_from else "built-in"))
    if note:
        print("warning:   %s" % note)
    print("fixtures:  %d" % len(fixtures))
    perfect = True
    for field, label in FIELDS:
        ok, total = totals[field]
        perfect = perfect and ok == total
        print("%-28s %4d/%-4d (%s)" % (label, ok, total, pct(ok, total)))
    print("%-28s %4d" % ("sources taken, none expected", wrong))
    print("%-28s %4d by the catalogue's rules, %d by the shape "
          "detector" % ("blocks removed", removed_by["catalogue"],
                        removed_by["shape"]))
    perfect = perfect and wrong == 0
    ids = rule_ids(args.rules_from or os.path.join(HERE, "..", "conf",
                                                   "rules"))
    if ids:
        print("%-28s %4d/%-4d (%s)" % ("rules firing on the corpus",
                                       len(fired & set(ids)), len(ids),
                                       pct(len(fired & set(ids)), len(ids))))
        idle = [i for i in ids if i not in fired]
        if idle:
            print("    (covered by tests/test_fixtures_cli.py or not yet "
                  "by any page: %s)" % ", ".join(idle))
    if failed:
        print("\nfailing fixtures (%d):" % len(failed))
        for name, problems in failed:
            print("  %s" % name)
            for line in problems:
                print("      %s" % line)
    else:
        print("\nno failing fixture")
    return 0 if perfect and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
