"""`--help` shows every option, bash completion offers it and the man page
names it (issue 16 item 5),
held against the sources: every "--option" string a program's or subcommand's
C file parses appears in the help of the command that file implements and
among the completions of that command, and every verb a command's help names
is completed, so a new option or verb cannot be left out of either.
cli_args_test.sh checks the exit status and a hand list of the options; this
one finds the ones nobody listed. Prints TAP.

Usage: help_options_test.py SOURCE_ROOT NITELIK NITELIKD NITELIK_SIGNER NITELIK_IMZA"""

import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))
from harness import Tap, check  # noqa: E402

ROOT = os.path.abspath(sys.argv[1])
NITELIK, NITELIKD, SIGNER, IMZA = (os.path.abspath(p) for p in sys.argv[2:6])
tap = Tap()

# source file (below src/) -> the help texts that must name its options
HELPS = {
    "cmd/nitelik.c": [[NITELIK, "--help"]],
    "cmd/cli_conf.c": [[NITELIK, "--help"]],
    "cmd/cli_db.c": [[NITELIK, "--help"]],
    "cmd/cli_audit.c": [[NITELIK, "audit", "--help"], [NITELIK, "audit", "verify", "--help"]],
    "cmd/cli_backup.c": [[NITELIK, "backup", "--help"], [NITELIK, "restore", "--help"]],
    "cmd/cli_ca.c": [[NITELIK, "ca", "--help"]],
    "cmd/cli_ca_backup.c": [[NITELIK, "ca", "backup", "--help"], [NITELIK, "ca", "restore", "--help"]],
    "cmd/cli_cert.c": [[NITELIK, "cert", "--help"]],
    "cmd/cli_institution.c": [[NITELIK, "institution", "--help"]],
    "cmd/cli_payment.c": [[NITELIK, "payments", "--help"], [NITELIK, "price", "--help"]],
    "cmd/cli_preapply.c": [[NITELIK, "preapply", "--help"]],
    "cmd/cli_staff.c": [[NITELIK, "user", "--help"]],
    "cmd/cli_token.c": [[NITELIK, "token", "--help"]],
    "cmd/cli_user.c": [[NITELIK, "user", "--help"]],
    "cmd/nitelikd.c": [[NITELIKD, "--help"]],
    "cmd/nitelik-signer.c": [[SIGNER, "--help"]],
    "cmd/nitelik-imza.c": [[IMZA, "--help"]],
}
for path in glob.glob(os.path.join(ROOT, "src", "imza", "*.c")):
    HELPS[os.path.relpath(path, os.path.join(ROOT, "src"))] = [[IMZA, "--help"]]


def options_of(path):
    """The "--option" string literals of a C file, comments left out."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    opts = set(re.findall(r'"(--[a-z][a-z0-9-]*)', text))
    # getopt_long's table: {"name", no_argument|required_argument|optional_argument, ...}
    opts |= {"--" + n for n in re.findall(r'\{\s*"([a-z][a-z0-9-]*)"\s*,\s*(?:no|required|optional)_argument', text)}
    return opts


@tap.test
def every_command_file_mapped():
    """every C file of src/cmd that parses options is mapped to a help here"""
    unmapped = []
    for path in glob.glob(os.path.join(ROOT, "src", "cmd", "*.c")):
        rel = os.path.relpath(path, os.path.join(ROOT, "src"))
        if options_of(path) - {"--help", "--version"} and rel not in HELPS:
            unmapped.append(rel)
    check(not unmapped, "files parsing options with no help to check: %s" % unmapped)


@tap.test
def every_option_in_help():
    """every option a file parses is named in its command's --help (exit 0)"""
    missing = []
    for rel, cmds in sorted(HELPS.items()):
        opts = options_of(os.path.join(ROOT, "src", rel))
        if not opts:
            continue
        text = ""
        for cmd in cmds:
            r = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                               env=dict(os.environ, NITELIK_CONFIG="/nonexistent"))
            check(r.returncode == 0, "%s: exit %d" % (" ".join(cmd[1:] or cmd), r.returncode))
            text += r.stdout
        for o in sorted(opts):
            if not re.search(re.escape(o) + r"(?![a-z0-9-])", text):
                missing.append("%s (%s)" % (o, rel))
    check(not missing, "options missing from --help: %s" % ", ".join(missing))


COMPLETION = os.path.join(ROOT, "dist", "bash-completion", "nitelik")
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"
COMMANDS = ("ca", "cert", "migrate", "audit", "institution", "user", "token", "price",
            "payments", "preapply", "backup", "restore")


def complete(words):
    """What the shipped completion offers after words (the last one is being typed)."""
    line = " ".join(words)
    script = ('source %s; source %s; COMP_WORDS=(%s); COMP_CWORD=%d; COMP_LINE=%s; '
              'COMP_POINT=%d; f=$(complete -p %s | sed "s/.*-F \\([^ ]*\\).*/\\1/"); '
              '$f; printf "%%s\\n" "${COMPREPLY[@]}"'
              % (BASH_COMPLETION, COMPLETION, " ".join("'%s'" % w for w in words),
                 len(words) - 1, "'%s'" % line, len(line), words[0]))
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
    return set(r.stdout.split())


def help_text(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, NITELIK_CONFIG="/nonexistent")).stdout


@tap.test
def completion_has_every_verb():
    """bash completion offers every command of nitelik --help and every verb a command's help names"""
    if not os.path.exists(BASH_COMPLETION):
        return "SKIP bash-completion is not installed"
    missing = sorted(set(COMMANDS) - complete(["nitelik", ""]))
    for c in COMMANDS:
        verbs = set(re.findall(r"nitelik %s ([a-z][a-z-]+)" % c, help_text([NITELIK, c, "--help"])))
        missing += ["%s %s" % (c, v) for v in sorted(verbs - complete(["nitelik", c, ""]))]
    check(not missing, "not completed: %s" % ", ".join(missing))


@tap.test
def completion_has_every_option():
    """bash completion offers every option a command's sources parse"""
    if not os.path.exists(BASH_COMPLETION):
        return "SKIP bash-completion is not installed"
    missing = []
    for rel, cmds in sorted(HELPS.items()):
        opts = options_of(os.path.join(ROOT, "src", rel)) - {"--help", "--version"}
        if not opts:
            continue
        got, names = set(), []
        for cmd in cmds:   # a file serving two commands: each option in either's list
            prog = os.path.basename(cmd[0])
            words = [prog] + [w for w in cmd[1:] if w != "--help"]
            if prog == "nitelik" and len(words) == 1:
                words.append("backup")   # the common options, completed after any command
            got |= complete(words + ["--"])
            names.append(" ".join(words))
        missing += ["%s (%s)" % (o, " | ".join(names)) for o in sorted(opts - got)]
    check(not missing, "not completed: %s" % ", ".join(missing))


MAN = {"nitelik": "nitelik.8.scd", "nitelikd": "nitelikd.8.scd",
       "nitelik-signer": "nitelik-signer.8.scd", "nitelik-imza": "nitelik-imza.1.scd"}


def man_text(prog):
    with open(os.path.join(ROOT, "docs", "man", MAN[prog]), encoding="utf-8") as f:
        return f.read()


@tap.test
def man_pages_name_every_option():
    """the man pages (docs/man/*.scd) name every option their program's sources parse"""
    missing = []
    for rel, cmds in sorted(HELPS.items()):
        prog = os.path.basename(cmds[0][0])
        text = man_text(prog)
        for o in sorted(options_of(os.path.join(ROOT, "src", rel))):
            if not re.search(re.escape(o) + r"(?![a-z0-9-])", text):
                missing.append("%s (%s, %s)" % (o, rel, MAN[prog]))
    check(not missing, "not in the man page: %s" % ", ".join(missing))


@tap.test
def man_page_names_every_verb():
    """nitelik(8) names, in each command's entry, every verb that command's help names"""
    text = man_text("nitelik")
    missing = []
    for c in COMMANDS:
        m = re.search(r"^\*%s[* ](.*?)(?=^\*[a-z]|^# )" % re.escape(c), text, re.M | re.S)
        if not m:
            missing.append(c)
            continue
        verbs = set(re.findall(r"nitelik %s ([a-z][a-z-]+)" % c, help_text([NITELIK, c, "--help"])))
        missing += ["%s %s" % (c, v) for v in sorted(verbs)
                    if not re.search(r"(?<![a-z-])%s(?![a-z-])" % re.escape(v), m.group(1))]
    check(not missing, "not in nitelik(8): %s" % ", ".join(missing))


@tap.test
def man_conf_names_every_section():
    """nitelik.conf(5) has an entry for every section of the sample nitelik.conf and of the parser"""
    with open(os.path.join(ROOT, "nitelik.conf"), encoding="utf-8") as f:
        sections = set(re.findall(r"^\s*#?\s*\[([a-z_]+)\]", f.read(), re.M))
    with open(os.path.join(ROOT, "src", "core", "config.c"), encoding="utf-8") as f:
        sections |= set(re.findall(r'^\s*[A-Z_]+\("([a-z_]+)",', f.read(), re.M))
    with open(os.path.join(ROOT, "docs", "man", "nitelik.conf.5.scd"), encoding="utf-8") as f:
        text = f.read()
    check(len(sections) > 10, "sections not read: %s" % sections)
    missing = sorted(x for x in sections if "*[%s]*" % x not in text)
    check(not missing, "sections not in nitelik.conf(5): %s" % missing)


if __name__ == "__main__":
    sys.exit(tap.run())
