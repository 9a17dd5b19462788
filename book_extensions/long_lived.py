"""Python's cyclic garbage collector told which objects live as long as the build.

A build holds a large heap that lives to the end: Sphinx, its extensions and theme once set
up, the environment once the pages are read. Each full collection (generation 2) walks all
of it, and the interpreter walks it once more on exit: measured on a cold build, nine full
collections cost about 1 s of the Sphinx process's CPU, and exiting 0.6 s, all of it on the
build's critical path (that process reads and writes the pages one after another).
`gc.freeze()` (Python's documented way to do this) moves every object alive at that moment
out of the collector's sight; reference counting still frees them. What is frozen and
becomes cyclic garbage later stays in memory until the process ends, which for a build that
ends anyway costs a few megabytes.

The kernel zygote freezes what it imported before forking kernels (kernel_fork.py).
"""

import gc


def freeze(*_):
    """Every object alive now out of the cyclic collector's sight, for the rest of the build."""
    gc.freeze()


def setup(app):
    app.connect("builder-inited", freeze, priority=900)  # Sphinx, the extensions, the theme: set up
    app.connect("env-updated", freeze, priority=900)  # the pages read: the environment lives to the end
    app.connect("build-finished", freeze, priority=900)  # nothing left for the exit to walk
