"""Run in a notebook kit's own environment (not the book's) by tests/test_kit.py.

usage: python kit_runner.py NOTEBOOK_DIR OUT_DIR
Executes every notebook in NOTEBOOK_DIR with nbclient, as a reader would from the kit
(the kernel is this environment's; the working folder is the notebooks' own), writes the
executed notebooks to OUT_DIR, and prints one JSON line: where the data came from and the
row count of every dataset, read with the installed package.
"""

import json
import sys
from pathlib import Path

import nbclient
import nbformat


def main(notebook_dir, out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(Path(notebook_dir).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        client = nbclient.NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
        nbformat.write(notebook, out / path.name)
    from afghan_relations import SetupError, load

    try:
        folder, how = load.data_location()
        rows = {name: len(getattr(load, name)()) for name in load.DATASETS}
    except SetupError as error:  # the bad-input tests point the data elsewhere on purpose
        print(json.dumps({"error": str(error)}))
        return
    print(json.dumps({"folder": str(folder), "how": how, "rows": rows}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
