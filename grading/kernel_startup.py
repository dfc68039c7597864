"""Runs inside each student's kernel before the first cell (IPython ``exec_files``).

Seeds the random generators from ``GRADING_SEED`` (derived per student by the
grader, so a regrade reproduces the same numbers): Python's ``random`` and
NumPy's global generator right before the first cell, TensorFlow, Keras and
PyTorch when the notebook imports them.
``PYTHONHASHSEED`` is set by the launcher.

Also installs the integrity guard the grader calls before and after each test
cell: it remembers the genuine builtins tests rely on, IPython's and the
kernel's error-reporting methods, the functions of the modules tests use
(``numpy``, ``numpy.testing``, ``math``, ``importlib``, ``lib.checks``...) as they were
when loaded (or reloaded), and every method of Keras's classes and function of its public
modules (what a test measures a model with: ``keras.Model.evaluate``, ``predict``, ...),
reports any that were replaced or added since, and puts the genuine ones back (the watched
modules themselves too, in ``sys.modules``, on their packages and on the packages' paths): a
hidden test's ``importlib.reload(lib.checks)`` really reloads the genuine file. The notebook's
folder goes after the installed packages on ``sys.path``, so that a folder shipped with the
notebook (``keras/``, ``lib/``) cannot stand in for a package the tests import.

Everything is wrapped in one function and deleted afterwards, so the
student's namespace stays clean. Nothing here may print or write to stderr
(nbgrader scores a test cell with stderr output as failed).
"""


def _grading_install():
    import builtins
    import importlib.abc
    import json
    import os
    import random
    import sys
    import types

    seed = int(os.environ.get("GRADING_SEED", "0"))
    random.seed(seed)

    def installed_packages_first():
        """The notebook's folder ('' on sys.path, where IPython puts it) after the installed
        packages: a folder of the submission named like a package the tests import (keras/,
        lib/) must not stand in for it. The student's own modules still import."""
        cwd = os.getcwd()
        here = [entry for entry in sys.path if os.path.abspath(entry or ".") == cwd]
        rest = [entry for entry in sys.path if entry not in here]
        moved = sys.path[len(rest) :] != here
        sys.path[:] = rest + (here or [""])
        return moved

    installed_packages_first()

    watched = {
        "numpy",
        "numpy.testing",
        "math",
        "cmath",
        "operator",
        "unittest",
        "unittest.case",
        "pandas",
        "pandas.testing",
        "torch.testing",
        # hidden tests reload their references (lib.checks) and the data loaders from disk
        "importlib",
        "importlib.util",
        "lib.checks",
    }
    seeders = {
        "numpy": lambda m: m.random.seed(seed % 2**32),
        "tensorflow": lambda m: m.random.set_seed(seed),
        "keras": lambda m: m.utils.set_random_seed(seed % 2**32),
        "torch": lambda m: m.manual_seed(seed),
    }
    snapshots = {}
    # The measuring instruments of a model: every method of Keras's (and TensorFlow's) classes
    # reachable from its public modules, and those modules' functions.
    library_modules = ("layers", "models", "ops", "optimizers", "losses", "metrics", "callbacks", "regularizers")
    library_classes = {}

    def snapshot_classes(package):
        classes = set()
        for module in (package, *(getattr(package, name, None) for name in library_modules)):
            if not isinstance(module, types.ModuleType):
                continue
            if module is not package and sys.modules.get(module.__name__) is module:
                snapshot(module.__name__, module)
            for value in list(vars(module).values()):
                if isinstance(value, type):
                    classes.update(c for c in value.__mro__ if c.__module__.split(".")[0] in ("keras", "tensorflow"))
        for cls in classes:
            library_classes[cls] = {
                key: value
                for key, value in vars(cls).items()
                if callable(value) or isinstance(value, (staticmethod, classmethod, property))
            }

    genuine_modules = {}  # name -> (module, its __path__ if a package): the watched ones and their packages

    def snapshot(name, module):
        snapshots[name] = {
            key: value for key, value in vars(module).items() if callable(value) and not key.startswith("__")
        }
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):
            prefix = ".".join(parts[:depth])
            owner = module if prefix == name else sys.modules.get(prefix)
            if prefix == name or (owner is not None and prefix not in genuine_modules):
                path = getattr(owner, "__path__", None)
                genuine_modules[prefix] = (owner, list(path) if isinstance(path, list) else None)

    def after_import(name, module):
        try:
            if name in watched:
                snapshot(name, module)
            if name in seeders:
                seeders[name](module)
            if name == "keras":
                snapshot_classes(module)
        except Exception:  # never break a student's import
            pass

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):
            if fullname not in watched and fullname not in seeders:
                return None
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    break
            else:
                return None
            loader = spec.loader
            # Frozen and built-in modules (importlib.util is one) are loaded by a class shared by
            # all of them: leave it alone; such a module is in sys.modules before this runs.
            if loader is None or isinstance(loader, type) or not hasattr(loader, "exec_module"):
                return spec
            original = loader.exec_module

            def exec_module(module, _original=original, _name=fullname):
                _original(module)
                after_import(_name, module)

            loader.exec_module = exec_module
            return spec

    for name in sorted(watched | set(seeders)):
        if name in sys.modules:
            after_import(name, sys.modules[name])
    sys.meta_path.insert(0, Finder())

    # Builtins a test relies on (the rest may be rebound by IPython or libraries).
    relied_on = (
        "AssertionError",
        "Exception",
        "BaseException",
        "TypeError",
        "ValueError",
        "isinstance",
        "issubclass",
        "type",
        "len",
        "abs",
        "all",
        "any",
        "round",
        "float",
        "int",
        "str",
        "bool",
        "list",
        "tuple",
        "dict",
        "set",
        "frozenset",
        "sum",
        "min",
        "max",
        "sorted",
        "repr",
        "hash",
        "callable",
        "getattr",
        "hasattr",
        "range",
        "zip",
        "map",
        "filter",
        "enumerate",
        "object",
        "super",
        "iter",
        "next",
        "__import__",
        "compile",
        "exec",
        "eval",
        "complex",
        "divmod",
        "pow",
    )
    genuine_builtins = {k: getattr(builtins, k) for k in relied_on if hasattr(builtins, k)}
    shell = get_ipython()  # noqa: F821 - defined in the kernel
    shell_class = type(shell)
    methods = (
        "showtraceback",
        "_showtraceback",
        "showsyntaxerror",
        "run_cell",
        "run_cell_async",
        "run_ast_nodes",
        "run_code",
        "transform_cell",
        "transform_ast",
        "get_exception_only",
    )
    genuine_methods = {name: getattr(shell_class, name, None) for name in methods}
    missing = object()
    genuine_instance = {name: vars(shell).get(name, missing) for name in methods}  # ipykernel sets some
    kernel = getattr(shell, "kernel", None)
    kernel_methods = ("do_execute", "execute_request", "send_response", "finish_metadata")
    genuine_kernel = {name: getattr(type(kernel), name, None) for name in kernel_methods} if kernel else {}
    genuine_kernel_instance = {name: vars(kernel).get(name, missing) for name in kernel_methods} if kernel else {}
    finder = sys.meta_path[0]
    for eager in ("numpy", "numpy.testing"):  # snapshot these before any student code runs
        try:
            __import__(eager)
        except Exception:
            pass

    def restore_methods(owner, owner_class, genuine_class, genuine_instance, label, repaired):
        """Put back ``owner``'s genuine methods, on the instance and on its class; note each repair."""
        for name, value in genuine_class.items():
            if vars(owner).get(name, missing) is not genuine_instance[name]:
                repaired.append(f"{label} {name} was overridden")
                if genuine_instance[name] is missing:
                    delattr(owner, name)
                else:
                    setattr(owner, name, genuine_instance[name])
            if value is not None and getattr(owner_class, name, None) is not value:
                repaired.append(f"{label} {name} was replaced")
                setattr(owner_class, name, value)

    def check(nonce):
        """Report tampering and undo what can be undone; prints one JSON line with the nonce."""
        repaired, untrusted = [], []
        for key, value in genuine_builtins.items():
            if getattr(builtins, key, None) is not value:
                repaired.append(f"builtins.{key} was replaced")
                setattr(builtins, key, value)
        restore_methods(shell, shell_class, genuine_methods, genuine_instance, "IPython's", repaired)
        if type(shell) is not shell_class:
            untrusted.append("the IPython shell class was replaced")
        if getattr(shell, "custom_exceptions", ()):
            repaired.append("a custom exception handler was installed (set_custom_exc)")
            shell.custom_exceptions = ()
        if kernel is not None:
            restore_methods(kernel, type(kernel), genuine_kernel, genuine_kernel_instance, "the kernel's", repaired)
        for name, (module, path) in genuine_modules.items():
            # a module swapped in sys.modules, on its package, or a package's search path
            # changed would make a test's import or importlib.reload load another file
            if name in sys.modules and sys.modules[name] is not module:
                repaired.append(f"sys.modules[{name!r}] was replaced")
                sys.modules[name] = module
            package, _, child = name.rpartition(".")
            if package in sys.modules and getattr(sys.modules[package], child, module) is not module:
                repaired.append(f"{name} was replaced on its package")
                setattr(sys.modules[package], child, module)
            if path and list(module.__path__) != path:
                repaired.append(f"{name}.__path__ was changed")
                module.__path__[:] = path
        for name, functions in snapshots.items():
            module = sys.modules.get(name)
            if module is None:
                continue
            for key, value in functions.items():
                if getattr(module, key, None) is not value:
                    repaired.append(f"{name}.{key} was replaced")
                    setattr(module, key, value)
        for cls, genuine in library_classes.items():
            current = vars(cls)
            for key, value in genuine.items():
                if current.get(key, missing) is not value:
                    repaired.append(f"{cls.__name__}.{key} was replaced")
                    setattr(cls, key, value)
            for key in [k for k, v in current.items() if k not in genuine and callable(v)]:
                repaired.append(f"{cls.__name__}.{key} was added")
                delattr(cls, key)
        if installed_packages_first():
            repaired.append("the notebook's folder was put before the installed packages on sys.path")
        if finder not in sys.meta_path:
            repaired.append("the grader's import hook was removed")
            sys.meta_path.insert(0, finder)
        for name in watched:
            if name in sys.modules and name not in snapshots:
                untrusted.append(f"{name} was imported past the grader's import hook")
        sys.stdout.write(json.dumps({"nonce": nonce, "repaired": repaired[:20], "untrusted": untrusted[:20]}) + "\n")
        sys.stdout.flush()

    # IPython picks a random "tip" for its banner on every kernel_info request, and clients
    # send a varying number of those while the kernel starts: seed again right before the
    # first cell, and give the tips their own generator.
    def seed_first_cell(*args, **kwargs):
        random.seed(seed)
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed(seed % 2**32)
        shell.events.unregister("pre_run_cell", seed_first_cell)

    shell.events.register("pre_run_cell", seed_first_cell)
    try:
        import IPython.core.interactiveshell as interactiveshell
        import IPython.core.tips as tips

        tip_generator = random.Random(0)
        interactiveshell.pick_tip = lambda: tip_generator.choice(tips._tips["random"])
    except Exception:
        pass

    guard = types.ModuleType("_grading_guard")
    guard.check = check
    sys.modules["_grading_guard"] = guard


_grading_install()
del _grading_install
