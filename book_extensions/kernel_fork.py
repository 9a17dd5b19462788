"""Kernels forked from one process that has already imported what every chapter imports.

A new IPython kernel spends most of a second importing ipykernel, IPython, pandas and
matplotlib before it runs the chapter's first line; thirteen chapters pay that thirteen
times, most of a cold build's CPU. Here one process (the "zygote", this file run as a
script) imports those modules once, then forks a child for each kernel the build
starts; the child sets the kernel's working directory and environment and runs
ipykernel exactly as `python -m ipykernel_launcher -f CONNECTION_FILE` would, so the
kernel is a fresh interpreter in every respect but the modules already in memory, a garbage
collector that runs less often (`KERNEL_GC_THRESHOLDS`), and two caches, which change no
figure's bytes: matplotlib measures each text once per kernel rather than once per figure
saved (`share_text_metrics`), and looks up each font's height metrics once rather than for
every text it lays out (`share_font_heights`).

Only modules without state tied to a running kernel are imported ahead: no
afghan_relations (the chapters' own code is imported by each chapter, as always),
no ipywidgets or matplotlib_inline (they register with the running IPython shell
when imported). MPLBACKEND is set to the inline backend first, as ipykernel does,
because matplotlib reads it when imported.

`ForkProvisioner` is a jupyter_client kernel provisioner (the documented way to
change how kernels are launched): it asks the zygote for a kernel instead of
starting a process, and tracks the child by pid (signals go to its process group,
as for any local kernel); the zygote reports the child's exit status when it reaps it.
parallel_execution.py uses it for the kernels it starts; myst-nb's own executions
(a chapter that failed in parallel) start ordinary kernels.
"""

import contextlib
import gc
import json
import os
import selectors
import signal
import socket
import sys

# What `python -m ipykernel_launcher` imports before it creates the shell: imported here as there.
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "IPython.display")
# What every kernel imports as it creates its shell: ipykernel's debugger, which imports debugpy
# (36 ms of the 57 ms a forked kernel took to start; see `_import_kernel_debugger`).
DEBUGGER_MODULE = "ipykernel.debugger"
# What the chapters import from a running kernel: imported here as if from one (see _as_in_a_kernel).
CHAPTER_MODULES = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib.figure",
    "matplotlib.backends.backend_svg",
    "edtf.parser.grammar",  # afghan_relations.dates: pyparsing builds the EDTF grammar on import (15 ms)
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


class _KernelShell:
    """What get_ipython() looks like to a library imported in a Jupyter kernel: a shell with a kernel."""

    kernel = True


class _KernelStream:
    """What sys.stdout looks like to a library imported in a Jupyter kernel (ipykernel's OutStream)."""

    encoding = "UTF-8"

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def _as_in_a_kernel(names):
    """Import the modules as a chapter imports them: inside a kernel.

    Some libraries decide defaults when imported, from what they find: pandas registers
    `display.max_columns` as 0 (fit the terminal) unless get_ipython() answers with a kernel's
    shell (then 20), and `display.encoding` from sys.stdout's encoding ("UTF-8" for a kernel's
    stream). So get_ipython() and sys.stdout/sys.stderr are a kernel's while they are imported,
    and put back after. tests/test_execution.py compares every pandas option and matplotlib
    setting of a forked kernel with those of a kernel started as a process.
    """
    import builtins
    import importlib

    streams = sys.stdout, sys.stderr
    builtins.get_ipython = _KernelShell
    sys.stdout, sys.stderr = _KernelStream(streams[0]), _KernelStream(streams[1])
    try:
        for name in names:
            importlib.import_module(name)
    finally:
        sys.stdout, sys.stderr = streams
        del builtins.get_ipython


# What decides a text's measured size besides the renderer's kind and dpi, the text, its font
# properties and whether it is math: the settings matplotlib reads when it lays text out, finds
# the font a generic family names, or typesets math (every mathtext.* setting, added below).
TEXT_SETTINGS = (
    "text.hinting",
    "text.hinting_factor",
    "text.kerning_factor",
    "text.language",
    "font.serif",
    "font.sans-serif",
    "font.monospace",
    "font.cursive",
    "font.fantasy",
)


def share_text_metrics():
    """Measure each text once per kernel, not once per renderer: True if installed.

    matplotlib caches a text's measured size per renderer object
    (`matplotlib.text._get_text_metrics_with_cache`), and saving a figure makes two renderers
    (one to lay the figure out, one to write the file), so a chapter that saves a hundred
    figures measures the same tick labels, titles and lane names hundreds of times: a tenth of
    its CPU. The size depends only on the key below, so renderers of one kind can share one
    cache; the figures come out byte for byte the same (tests/test_execution.py). matplotlib's
    own test suite replaces the same function. If a new matplotlib changes it, nothing is
    replaced and the kernels measure as before.
    """
    import inspect

    import matplotlib as mpl
    import matplotlib.text as mtext

    measure = getattr(mtext, "_get_text_metrics_with_cache", None)
    if measure is None or list(inspect.signature(measure).parameters) != [
        "renderer",
        "text",
        "fontprop",
        "ismath",
        "dpi",
    ]:
        return False
    measured = {}
    # plain text depends on TEXT_SETTINGS; math (ismath true) on the mathtext settings too
    mathtext = tuple(sorted(name for name in mpl.rcParams if name.startswith("mathtext.")))
    names = {False: TEXT_SETTINGS, True: TEXT_SETTINGS + mathtext}

    def shared(renderer, text, fontprop, ismath, dpi):
        # a copy of the font properties, as matplotlib's cache keeps: their hash follows their state
        key = (type(renderer), dpi, text, fontprop.copy(), ismath, _settings(mpl.rcParams, names[bool(ismath)]))
        if key not in measured:
            measured[key] = measure(renderer, text, fontprop, ismath, dpi)
        return measured[key]

    mtext._get_text_metrics_with_cache = shared
    return True


def _settings(rcparams, names):
    """matplotlib's settings of these names (`rcparams`: matplotlib.rcParams), now, as a hashable
    tuple: part of a cache key."""
    return tuple(_hashable(dict.__getitem__(rcparams, name)) for name in names)


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


# matplotlib 3.11's Text._get_layout, where a renderer does not give a font's height metrics: what
# share_font_heights computes once per font, size and dpi, and checks is still there (whitespace aside).
FONT_HEIGHTS_SOURCE = """
font = get_font(fontManager._find_fonts_by_props(self._fontproperties))
possible = [
    ('OS/2', 'sTypoLineGap', 'sTypoAscender', 'sTypoDescender'),
    ('hhea', 'lineGap', 'ascent', 'descent')
]
for table_name, linegap_key, ascent_key, descent_key in possible:
    table = font.get_sfnt_table(table_name)
    if table is None:
        continue
    # Rescale to font size/DPI if the metrics were available.
    fontsize = self._fontproperties.get_size_in_points()
    units_per_em = font.get_sfnt_table('head')['unitsPerEm']
    scale = 1 / units_per_em * fontsize * dpi / 72
    line_gap = table[linegap_key] * scale
    min_ascent = table[ascent_key] * scale
    min_descent = -table[descent_key] * scale
    break
"""
FONT_TABLES = [("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"), ("hhea", "lineGap", "ascent", "descent")]


def _font_heights(prop, dpi):
    """(ascent, descent, line gap) in pixels of the font `prop` finds, as Text._get_layout computes them."""
    from matplotlib.font_manager import fontManager, get_font

    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, linegap_key, ascent_key, descent_key in FONT_TABLES:
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        fontsize = prop.get_size_in_points()
        units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
        scale = 1 / units_per_em * fontsize * dpi / 72  # the same operations in the same order: the same floats
        return table[ascent_key] * scale, -table[descent_key] * scale, table[linegap_key] * scale
    return None, None, None  # matplotlib then measures "lp"


def share_font_heights():
    """Find each font's height metrics once per kernel, not once per text laid out: True if installed.

    For every text it lays out (each tick label, on each of the two or three passes a figure's
    layout and saving make), matplotlib finds the font file for the text's properties, opens it
    and reads its tables (`Text._get_layout`): a twentieth of a drawing chapter's CPU. The result
    depends only on the font properties, the settings that choose the font, and the dpi. A
    renderer may give these metrics itself (`_get_font_height_metrics`, which matplotlib's PDF and
    PS renderers define); here the SVG and Agg renderers do, from a cache filled by the same
    computation (FONT_HEIGHTS_SOURCE). An SVG renderer draws at 72 dpi, an Agg renderer at its
    own dpi: the figure's whenever it lays text out. The figures come out byte for byte the same
    (tests/test_execution.py). If a new matplotlib changes that code, nothing is installed.
    """
    import inspect

    import matplotlib as mpl
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.text import Text

    def squeezed(text):
        return "".join(text.split())

    source = squeezed(inspect.getsource(Text._get_layout))
    if (
        squeezed(FONT_HEIGHTS_SOURCE) not in source
        or "renderer._get_font_height_metrics(self._fontproperties)" not in source
    ):
        return False
    if any(hasattr(renderer, "_get_font_height_metrics") for renderer in (RendererAgg, RendererSVG)):
        return False
    found = {}
    names = TEXT_SETTINGS + ("font.family",)

    def heights(dpi, prop):
        key = (dpi, prop.copy(), _settings(mpl.rcParams, names))  # a copy: a FontProperties' hash follows its state
        if key not in found:
            found[key] = _font_heights(prop, dpi)
        return found[key]

    RendererAgg._get_font_height_metrics = lambda self, prop: heights(self.dpi, prop)
    RendererSVG._get_font_height_metrics = lambda self, prop: heights(72, prop)
    return True


def _import_kernel_debugger():
    """Import ipykernel's debugger (and debugpy) as every kernel does when it starts, without a warning.

    On import, debugpy checks whether Python runs with frozen standard modules, which it does by
    default, and writes a warning about breakpoints to standard error. In a kernel that is the
    kernel's own stream before any cell has run, whose messages the notebook client ignores; here it
    would be the build's log. So it is imported with PYDEVD_DISABLE_FILE_VALIDATION set, which only
    turns that warning into a debug message (pydevd_file_utils). No message is written, so debugpy's
    log is not yet bound to the zygote's standard error: it opens on its first message, in a
    kernel's own stream. The variable is removed again: the kernels get the build's environment."""
    import importlib

    had = os.environ.get("PYDEVD_DISABLE_FILE_VALIDATION")
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    try:
        importlib.import_module(DEBUGGER_MODULE)
    finally:
        if had is None:
            del os.environ["PYDEVD_DISABLE_FILE_VALIDATION"]
        else:
            os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = had


# A forked kernel's garbage collector runs less often than Python's default (700, 10, 10): a kernel
# runs one chapter and ends, and a chapter drawing its explorers' views (thousands of short-lived
# matplotlib objects) spent 6% of its CPU in about 600 collections; with these, 40, for 12 MB more
# memory at most. The only way a forked kernel differs from one started as a process besides
# the modules in memory and the two caches above (tests/test_execution.py).
KERNEL_GC_THRESHOLDS = (10_000, 50, 100)


# The zygote (this file run as a script, with the listening socket as file descriptor argv[1])


def _child(conn, listener, others, request):
    """In the forked child: become the kernel `python -m ipykernel_launcher <argv>` would start; never returns."""
    code = 1
    try:
        for sock in (listener, conn, *others):
            sock.close()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)  # jupyter_client starts kernels with stdin from /dev/null
        os.close(devnull)
        os.setsid()  # its own process group, as jupyter_client gives local kernels
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, signal.SIG_DFL)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # the kernel exits if the zygote dies
        os.chdir(request["cwd"])
        # as `python -m ipykernel_launcher` has it (which takes the working directory off the path)
        import importlib.util

        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin] + request["argv"]
        from ipykernel import kernelapp

        # ipykernel reads JPY_PARENT_PID when it is imported (in the zygote, where it is unset): give it
        # the value a kernel started as a process would have read, so that it watches its parent
        kernelapp.IPKernelApp.launch_instance(parent_handle=int(os.environ["JPY_PARENT_PID"]))
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(listener):
    """Fork a kernel for each request on the listening socket; exit when standard input closes."""
    children = {}  # pid -> connection to report its exit status on
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(sys.stdin, selectors.EVENT_READ, "stdin")

    def reap(*_):
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = children.pop(pid, None)
            if conn is not None:
                with_exit = json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n"
                with contextlib.suppress(OSError):  # the kernel manager may be gone already
                    conn.sendall(with_exit.encode())
                conn.close()

    signal.signal(signal.SIGCHLD, reap)
    while True:
        for key, _ in selector.select():
            if key.data == "stdin":
                if not os.read(sys.stdin.fileno(), 4096):
                    return
                continue
            conn, _ = listener.accept()
            request = json.loads(conn.makefile("r").readline())
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})  # record the pid before reaping it
            try:
                pid = os.fork()
                if pid == 0:
                    _child(conn, listener, list(children.values()), request)
                children[pid] = conn
                conn.sendall((json.dumps({"pid": pid}) + "\n").encode())
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})


def main():
    listener = socket.socket(fileno=int(sys.argv[1]))
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # this script's folder is not on a kernel's path
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    import importlib

    for name in KERNEL_MODULES:
        importlib.import_module(name)
    _import_kernel_debugger()
    _as_in_a_kernel(CHAPTER_MODULES)
    share_text_metrics()
    share_font_heights()
    # What was imported lives as long as any kernel: out of the cyclic garbage collector's sight
    # (gc.freeze, as Python's documentation advises before fork), so that a kernel's collections
    # do not walk all of pandas and matplotlib again: 0.1-0.2 s of CPU in each drawing chapter.
    gc.freeze()
    gc.set_threshold(*KERNEL_GC_THRESHOLDS)
    serve(listener)


# The build's side


class Zygote:
    """The zygote process, started with the build's environment, and a way to ask it for kernels."""

    def __init__(self, env=None):
        import subprocess

        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        import tempfile

        self.used = False  # whether a kernel was asked for
        self.folder = tempfile.mkdtemp(prefix="book-kernels-")
        self.path = os.path.join(self.folder, "zygote.sock")
        self.listener.bind(self.path)
        self.listener.listen(64)  # requests wait here while the zygote imports
        fd = self.listener.fileno()
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), str(fd)], pass_fds=[fd], stdin=subprocess.PIPE, env=env
        )

    def fork(self, argv, cwd, env, timeout=120):
        """(pid, connection on which the zygote reports its exit) of a new kernel; RuntimeError if it cannot."""
        import select
        import time

        self.used = True
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(self.path)  # queued while the zygote is still importing
        conn.sendall((json.dumps({"argv": argv, "cwd": str(cwd), "env": env}) + "\n").encode())
        reply, deadline = b"", time.monotonic() + timeout
        while not reply.endswith(b"\n"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                conn.close()
                raise RuntimeError(
                    f"the kernel zygote {'exited' if self.process.poll() is not None else 'did not answer'}"
                )
            if select.select([conn], [], [], 0.2)[0]:
                chunk = conn.recv(4096)
                if not chunk:
                    conn.close()
                    raise RuntimeError("the kernel zygote closed the connection")
                reply += chunk
        return json.loads(reply)["pid"], conn

    def close(self):
        import shutil

        if self.process.poll() is None and not self.used:
            self.process.kill()  # asked for no kernel (nothing to execute): not worth waiting for its imports
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except Exception:
                self.process.kill()
        self.listener.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class ForkedKernel:
    """The Popen-like handle LocalProvisioner expects, for a kernel the zygote forked."""

    stdin = stdout = stderr = None

    def __init__(self, pid, conn):
        self.pid, self.conn, self.returncode, self._buffer = pid, conn, None, b""

    def _read(self, block):
        self.conn.setblocking(block)
        try:
            while self.returncode is None:
                chunk = self.conn.recv(4096)
                if not chunk:  # the zygote went away without a word: the kernel is gone with it
                    self.returncode = -1
                    break
                self._buffer += chunk
                if self._buffer.endswith(b"\n"):
                    self.returncode = json.loads(self._buffer)["exit"]
        except BlockingIOError:
            pass
        if self.returncode is not None:
            self.conn.close()
        return self.returncode

    def poll(self):
        return self.returncode if self.returncode is not None else self._read(block=False)

    def wait(self, timeout=None):
        return self.returncode if self.returncode is not None else self._read(block=True)

    def send_signal(self, signum):
        if self.returncode is None:
            os.kill(self.pid, signum)

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


# How long a client waits on IOPub for the kernel's reply to its kernel_info request to be
# published, before it asks again (jupyter_client's own wait, on the same occasion).
IOPUB_WAIT = 0.2
# How long it waits, first, for IOPub's welcome (ipykernel 7 greets every new subscriber); a kernel
# that sends none is then asked as jupyter_client asks, until IOPub carries its answer.
WELCOME_WAIT = 2.0
# The client connects before the new kernel has bound its ports, and ZeroMQ tries again after
# 100 ms by default: that wait, not the kernel's start, was half of a kernel's start-up. Here it
# tries after 10 ms, backing off to 100 ms.
RECONNECT_MS, RECONNECT_MAX_MS = 10, 100


def ready_client_class():
    """jupyter_client's asynchronous client, but ready as soon as the kernel has answered.

    jupyter_client's wait_for_ready asks for kernel_info until the reply comes and IOPub carries
    a message, then reads IOPub until nothing has come for 0.2 s: every kernel's start ends with
    that fifth of a second, and at the build's start both cores wait on it. And its first request
    is usually answered before IOPub's subscription has reached the kernel, so the answer's
    messages are lost and it asks again, 0.2 s later. This client's sockets try to connect again
    sooner than ZeroMQ's default (RECONNECT_MS), and it waits first for IOPub's welcome
    (`iopub_welcome`, which ipykernel 7 sends each new subscriber, JEP 65): from then on it sees
    what the kernel publishes. It then reads IOPub until the kernel's 'idle' for its own kernel_info
    request, the last message that request makes; nothing of the start-up is left on IOPub then
    (and nbclient reads only what its own requests make). It asks again if IOPub brought no such
    'idle' within IOPUB_WAIT (a kernel without the welcome, as jupyter_client allows for)."""
    import time
    from queue import Empty

    import zmq
    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        def start_channels(self, *args, **kwargs):
            # the client's own context (jupyter_client makes one per client): its sockets, made now
            self.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
            self.context.setsockopt(zmq.RECONNECT_IVL_MAX, RECONNECT_MAX_MS)
            return super().start_channels(*args, **kwargs)

        async def wait_for_ready(self, timeout=None):
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            await self._welcome(min(deadline, time.monotonic() + WELCOME_WAIT))
            while True:
                request = self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                answered = reply is not None and reply["msg_type"] == "kernel_info_reply"
                if answered and await self._idle_after(request):
                    self._handle_kernel_info_reply(reply)
                    return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

        async def _welcome(self, until):
            """IOPub's welcome read, or nothing more to wait for (no welcome by `until`)."""
            while (left := until - time.monotonic()) > 0:
                try:
                    message = await self.iopub_channel.get_msg(timeout=left)
                except Empty:
                    return
                if message["msg_type"] == "iopub_welcome":
                    return

        async def _idle_after(self, request):
            """Whether IOPub brings the kernel's 'idle' for the request within IOPUB_WAIT."""
            until = time.monotonic() + IOPUB_WAIT
            while (left := until - time.monotonic()) > 0:
                try:
                    message = await self.iopub_channel.get_msg(timeout=left)
                except Empty:
                    return False
                if (
                    message["msg_type"] == "status"
                    and message["content"].get("execution_state") == "idle"
                    and message["parent_header"].get("msg_id") == request
                ):
                    return True
            return False

    return ReadyClient


def kernel_manager_class(zygote):
    """A jupyter_client kernel manager whose kernels the zygote forks (jupyter_client is imported by the build only)."""
    import asyncio
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner
    from traitlets import default

    class ForkProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd, **kwargs):
            # Only what the zygote can become: this interpreter running ipykernel_launcher
            if cmd[:3] != [sys.executable, "-m", "ipykernel_launcher"]:
                return await super().launch_kernel(cmd, **kwargs)
            cwd = kwargs.get("cwd") or os.getcwd()
            env = kwargs.get("env") or dict(os.environ)
            try:  # in a thread: the zygote may still be importing, and other kernels run meanwhile
                pid, conn = await asyncio.get_running_loop().run_in_executor(None, zygote.fork, cmd[3:], cwd, env)
            except RuntimeError as error:  # no zygote (it failed to start): a kernel started the usual way
                self.log.warning(f"forking a kernel failed ({error}); starting one as a process")
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedKernel(pid, conn)
            self.pid = self.pgid = pid  # the child called setsid()
            self.cwd = cwd
            return self.connection_info

    class ForkKernelManager(AsyncKernelManager):
        @default("client_factory")
        def _client_factory_default(self):
            return ready_client_class()

        async def _async_pre_start_kernel(self, **kw):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or str(uuid.uuid4())
                self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return ForkKernelManager


if __name__ == "__main__":
    main()
