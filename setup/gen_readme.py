"""Build each addon's README.rst from its readme/ fragments (as OCA's generator does).

python setup/gen_readme.py           write the README.rst files
python setup/gen_readme.py --check   exit 1 when one is out of date
"""

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDONS = tuple(sorted(p.parent.name for p in REPO.glob("*/__manifest__.py")))
SECTIONS = (
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
)


def render(addon):

    manifest = ast.literal_eval((REPO / addon / "__manifest__.py").read_text())
    title = manifest["name"]
    out = ["=" * len(title), title, "=" * len(title), ""]
    out += [f"*{manifest['summary']}*", "", f"License: {manifest['license']}", ""]
    for fragment, heading in SECTIONS:
        path = REPO / addon / "readme" / fragment
        if not path.exists():
            continue
        if heading:
            out += [heading, "=" * len(heading), ""]
        out += [path.read_text().strip(), ""]
    return "\n".join(out)


def main(argv):
    stale = []
    for addon in ADDONS:
        target = REPO / addon / "README.rst"
        text = render(addon)
        if "--check" in argv:
            if not target.exists() or target.read_text() != text:
                stale.append(str(target.relative_to(REPO)))
        else:
            target.write_text(text)
    for name in stale:
        print(f"{name} is out of date: run python setup/gen_readme.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
