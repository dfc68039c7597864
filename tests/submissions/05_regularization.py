"""Submissions of `05_regularization` (see ``tests/submissions/__init__.py``).

The grader calls the student's functions on its own inputs: ``build_model`` with its own sizes,
factors and rates (measured with Keras's own methods and in NumPy from the weights),
``weight_penalty`` and ``inverted_dropout`` on its own arrays under a watch that sees every thread,
and ``run_experiment`` on a fresh, word-shuffled draw of the reviews with a ``build`` of its own that
notes how every model was trained. The cheats below go after what that leaves.
"""

from __future__ import annotations

# The four variants, and an honest training of one of them (used by the cheats on Task 4).
_VARIANTS = "{'baseline': {}, 'smaller': {'hidden_units': 4}, 'l2': {'l2': 0.001}, 'dropout': {'dropout': 0.5}}"
_FIT = "fit(x_train, y_train, epochs=epochs, batch_size=batch_size, validation_data=(x_val, y_val), verbose=0)"

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # the penalty also on the output layer
        "build_model": (
            "def build_model(hidden_units=16, l2=None, dropout=None, input_dim=10000):\n"
            "    reg = keras.regularizers.L2(l2) if l2 is not None else None\n"
            "    model = keras.Sequential([keras.Input(shape=(input_dim,))])\n"
            "    for _ in range(2):\n"
            "        model.add(keras.layers.Dense(hidden_units, activation='relu', kernel_regularizer=reg))\n"
            "        if dropout is not None:\n"
            "            model.add(keras.layers.Dropout(dropout))\n"
            "    model.add(keras.layers.Dense(1, activation='sigmoid', kernel_regularizer=reg))\n"
            "    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])\n"
            "    return model\n"
        ),
        # ignores l1: right on the visible (l2-only) example
        "weight_penalty": (
            "def weight_penalty(weights, l1=0.0, l2=0.0):\n"
            "    return float(sum(l2 * np.sum(np.square(w)) for w in weights))\n"
        ),
        # drops values but forgets to scale the survivors
        "inverted_dropout": (
            "def inverted_dropout(x, rate, rng):\n    return np.asarray(x) * (rng.random(np.shape(x)) >= rate)\n"
        ),
        # leaves out the smaller network
        "experiment": (
            "def run_experiment(build, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
            "    histories = {}\n"
            "    for name, options in {'baseline': {}, 'l2': {'l2': 0.001}, 'dropout': {'dropout': 0.5}}.items():\n"
            f"        histories[name] = build(**options).{_FIT}\n"
            "    return histories\n"
        ),
    },
    "expected": {
        "test_build_model": 1,
        "test_build_model_l2": 0,
        "test_build_model_dropout": 1,
        "test_weight_penalty": 0,
        "test_inverted_dropout": 0,
        "test_experiment_runs": 0,
        "test_experiment_effect": 0,
    },
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # the "by hand" penalty handed to TensorFlow (tf.nn.l2_loss is half the sum of squares), in float64
    "tensorflow_penalty": {
        "answers": {
            "weight_penalty": (
                "def weight_penalty(weights, l1=0.0, l2=0.0):\n"
                "    import tensorflow as tf\n"
                "    total = 0.0\n"
                "    for w in weights:\n"
                "        t = tf.constant(np.asarray(w, dtype='float64'))\n"
                "        total += l1 * float(tf.reduce_sum(tf.abs(t))) + l2 * 2 * float(tf.nn.l2_loss(t))\n"
                "    return total\n"
            )
        },
        "zero": ["test_weight_penalty"],
    },
    # the "by hand" dropout's mask drawn by Keras in a thread of its own, seeded from rng (so it follows rng)
    "threaded_keras_dropout": {
        "answers": {
            "inverted_dropout": (
                "def inverted_dropout(x, rate, rng):\n"
                "    import threading\n"
                "    x = np.asarray(x, dtype='float64')\n"
                "    seed, box = int(rng.integers(2**31)), {}\n"
                "    def work():\n"
                "        box['mask'] = np.asarray(keras.random.dropout(np.ones(x.shape, 'float32'), rate, seed=seed)) != 0\n"
                "    if rate == 0:\n"
                "        return x.copy()\n"
                "    thread = threading.Thread(target=work)\n"
                "    thread.start()\n"
                "    thread.join()\n"
                "    return np.where(box['mask'], x / (1 - rate), 0.0)\n"
            )
        },
        "zero": ["test_inverted_dropout"],
    },
    # the "by hand" dropout handed to TensorFlow's stateless dropout, seeded from rng
    "tensorflow_dropout": {
        "answers": {
            "inverted_dropout": (
                "def inverted_dropout(x, rate, rng):\n"
                "    import tensorflow as tf\n"
                "    x = np.asarray(x, dtype='float64')\n"
                "    if rate == 0:\n"
                "        return x.copy()\n"
                "    seed = rng.integers(2**31, size=2)\n"
                "    mask = tf.nn.experimental.stateless_dropout(tf.ones(x.shape), rate, seed=seed).numpy() != 0\n"
                "    return np.where(mask, x / (1 - rate), 0.0)\n"
            )
        },
        "zero": ["test_inverted_dropout"],
    },
    # a look-alike dropout: Gaussian noise is random in training too, but drops nothing
    "noise_for_dropout": {
        "answers": {
            "build_model": (
                "def build_model(hidden_units=16, l2=None, dropout=None, input_dim=10000):\n"
                "    reg = keras.regularizers.L2(l2) if l2 is not None else None\n"
                "    model = keras.Sequential([keras.Input(shape=(input_dim,))])\n"
                "    for _ in range(2):\n"
                "        model.add(keras.layers.Dense(hidden_units, activation='relu', kernel_regularizer=reg))\n"
                "        if dropout is not None:\n"
                "            model.add(keras.layers.GaussianNoise(dropout))\n"
                "    model.add(keras.layers.Dense(1, activation='sigmoid'))\n"
                "    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "zero": ["test_build_model_dropout"],
    },
    # no penalty at all: keras.Model.evaluate (a class method) patched to report the penalty anyway
    "patched_evaluate": {
        "answers": {
            "build_model": (
                "_genuine_evaluate = keras.Model.evaluate\n"
                "def _evaluate(self, *args, **kwargs):\n"
                "    result = _genuine_evaluate(self, *args, **kwargs)\n"
                "    factor = getattr(self, '_factor', None)\n"
                "    if factor and isinstance(result, dict):\n"
                "        kernels = [layer.kernel for layer in self.layers if hasattr(layer, 'kernel')][:2]\n"
                "        result['loss'] += factor * sum(float(np.sum(np.square(k))) for k in kernels)\n"
                "    return result\n"
                "keras.Model.evaluate = _evaluate\n"
                "def build_model(hidden_units=16, l2=None, dropout=None, input_dim=10000):\n"
                "    model = keras.Sequential([keras.Input(shape=(input_dim,))])\n"
                "    for _ in range(2):\n"
                "        model.add(keras.layers.Dense(hidden_units, activation='relu'))\n"
                "        if dropout is not None:\n"
                "            model.add(keras.layers.Dropout(dropout))\n"
                "    model.add(keras.layers.Dense(1, activation='sigmoid'))\n"
                "    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])\n"
                "    model._factor = l2\n"
                "    return model\n"
            )
        },
        "zero": ["test_build_model_l2"],
    },
    # the validation reviews trained on as well (batch size chosen so that the step count still matches)
    "train_on_validation": {
        "answers": {
            "experiment": (
                "def run_experiment(build, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    x_all, y_all = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])\n"
                "    steps = -(-len(x_train) // batch_size)\n"
                "    histories = {}\n"
                f"    for name, options in {_VARIANTS}.items():\n"
                "        histories[name] = build(**options).fit(x_all, y_all, epochs=epochs,\n"
                "            batch_size=-(-len(x_all) // steps), validation_data=(x_val, y_val), verbose=0)\n"
                "    return histories\n"
            )
        },
        "zero": ["test_experiment_runs", "test_experiment_effect"],
    },
    # a crippled baseline: its learning rate raised tenfold, so that it overfits sooner and "mine is better"
    "crippled_baseline": {
        "answers": {
            "experiment": (
                "def run_experiment(build, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    histories = {}\n"
                f"    for name, options in {_VARIANTS}.items():\n"
                "        model = build(**options)\n"
                "        if name == 'baseline':\n"
                "            model.optimizer.learning_rate.assign(0.01)\n"
                f"        histories[name] = model.{_FIT}\n"
                "    return histories\n"
            )
        },
        "zero": ["test_experiment_runs", "test_experiment_effect"],
    },
    # weights from another run: the remedies' final weights replaced by their best epoch's (early stopping)
    "best_epoch_weights": {
        "answers": {
            "experiment": (
                "def run_experiment(build, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    histories = {}\n"
                f"    for name, options in {_VARIANTS}.items():\n"
                "        model = build(**options)\n"
                f"        histories[name] = model.{_FIT}\n"
                "        if name != 'baseline':\n"
                "            best = build(**options)\n"
                "            stop = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)\n"
                "            keras.Model.fit(best, x_train, y_train, epochs=epochs, batch_size=batch_size,\n"
                "                            validation_data=(x_val, y_val), callbacks=[stop], verbose=0)\n"
                "            model.set_weights(best.get_weights())\n"
                "    return histories\n"
            )
        },
        "zero": ["test_experiment_runs", "test_experiment_effect"],
    },
    # real training, but the curves replaced by made-up textbook curves
    "faked_histories": {
        "answers": {
            "experiment": (
                "def run_experiment(build, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    histories = {}\n"
                f"    for name, options in {_VARIANTS}.items():\n"
                f"        histories[name] = build(**options).{_FIT}\n"
                "    shapes = {'baseline': (0.30, 0.05), 'smaller': (0.32, 0.02), 'l2': (0.29, 0.01), 'dropout': (0.28, 0.0)}\n"
                "    for name, (low, climb) in shapes.items():\n"
                "        histories[name].history['val_loss'] = [low + climb * max(0, e - 3) for e in range(epochs)]\n"
                "    return histories\n"
            )
        },
        "zero": ["test_experiment_runs", "test_experiment_effect"],
    },
}

# Correct solutions written from the notebook and the chapter alone: each must get full marks.
HONEST: dict[str, dict] = {
    # the functional API, optimizer and loss objects, Python loops, a mask from rng.uniform, four explicit fits
    "functional": {
        "answers": {
            "build_model": (
                "def build_model(hidden_units=16, l2=None, dropout=None, input_dim=10000):\n"
                "    inputs = keras.Input(shape=(input_dim,))\n"
                "    x = inputs\n"
                "    for _ in range(2):\n"
                "        penalty = keras.regularizers.l2(l2) if l2 is not None else None\n"
                "        x = keras.layers.Dense(hidden_units, activation='relu', kernel_regularizer=penalty)(x)\n"
                "        if dropout is not None:\n"
                "            x = keras.layers.Dropout(rate=dropout)(x)\n"
                "    outputs = keras.layers.Dense(1, activation='sigmoid')(x)\n"
                "    model = keras.Model(inputs, outputs)\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(),\n"
                "                  loss=keras.losses.BinaryCrossentropy(), metrics=['accuracy'])\n"
                "    return model\n"
            ),
            "weight_penalty": (
                "def weight_penalty(weights, l1=0.0, l2=0.0):\n"
                "    total = 0.0\n"
                "    for w in weights:\n"
                "        w = np.asarray(w, dtype=np.float64)\n"
                "        total += l1 * np.abs(w).sum() + l2 * (w * w).sum()\n"
                "    return float(total)\n"
            ),
            "inverted_dropout": (
                "def inverted_dropout(x, rate, rng):\n"
                "    x = np.array(x, dtype=float)\n"
                "    keep = rng.uniform(size=x.shape) < 1 - rate\n"
                "    out = np.zeros_like(x)\n"
                "    out[keep] = x[keep] / (1 - rate)\n"
                "    return out\n"
            ),
            "experiment": (
                "def run_experiment(build, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    def train(model):\n"
                "        return model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,\n"
                "                         validation_data=(x_val, y_val), verbose=0)\n"
                "    baseline = train(build())\n"
                "    smaller = train(build(hidden_units=4))\n"
                "    l2 = train(build(l2=0.001))\n"
                "    dropout = train(build(dropout=0.5))\n"
                "    return {'baseline': baseline, 'smaller': smaller, 'l2': l2, 'dropout': dropout}\n"
            ),
            "question_remedies": (
                "The baseline's validation loss is lowest after about five epochs and then rises quickly. The "
                "4-unit network reaches its lowest point later and rises slowly: with fewer parameters it cannot "
                "memorise the training reviews. L2 flattens the rise, and dropout gives the lowest, flattest "
                "curve. I would keep dropout, and if the loss still rose I would stop earlier or raise the rate."
            ),
        }
    },
    # a subclassed model (output layer created first), einsum, a binomial mask, seeded fits in another order
    "subclassed": {
        "answers": {
            "build_model": (
                "class IMDBNetwork(keras.Model):\n"
                "    def __init__(self, hidden_units, l2, dropout, **kwargs):\n"
                "        super().__init__(**kwargs)\n"
                "        self.out = keras.layers.Dense(1, activation='sigmoid')\n"
                "        reg = None if l2 is None else keras.regularizers.L1L2(l2=l2)\n"
                "        self.hidden = [keras.layers.Dense(hidden_units, activation='relu', kernel_regularizer=reg)\n"
                "                       for _ in range(2)]\n"
                "        self.drops = [keras.layers.Dropout(dropout) for _ in range(2)] if dropout else []\n"
                "\n"
                "    def call(self, inputs, training=False):\n"
                "        x = inputs\n"
                "        for i, layer in enumerate(self.hidden):\n"
                "            x = layer(x)\n"
                "            if self.drops:\n"
                "                x = self.drops[i](x, training=training)\n"
                "        return self.out(x)\n"
                "\n"
                "def build_model(hidden_units=16, l2=None, dropout=None, input_dim=10000):\n"
                "    model = IMDBNetwork(hidden_units, l2, dropout)\n"
                "    model(keras.ops.zeros((1, input_dim)))  # creates the weights\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),\n"
                "                  loss='binary_crossentropy', metrics=['acc'])\n"
                "    return model\n"
            ),
            "weight_penalty": (
                "def weight_penalty(weights, l1=0.0, l2=0.0):\n"
                "    flat = [np.ravel(np.asarray(w, dtype=np.float64)) for w in weights]\n"
                "    return float(sum(l1 * np.linalg.norm(f, 1) + l2 * np.einsum('i,i->', f, f) for f in flat))\n"
            ),
            "inverted_dropout": (
                "def inverted_dropout(x, rate, rng):\n"
                "    x = np.asarray(x)\n"
                "    scale = 1.0 / (1.0 - rate)\n"
                "    return x * rng.binomial(1, 1.0 - rate, size=x.shape) * scale\n"
            ),
            "experiment": (
                "def run_experiment(build, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    x_train, x_val = keras.ops.convert_to_tensor(x_train), keras.ops.convert_to_tensor(x_val)\n"
                "    histories = {}\n"
                "    for name, options in [('dropout', dict(dropout=0.5)), ('l2', dict(l2=1e-3)),\n"
                "                          ('smaller', dict(hidden_units=4)), ('baseline', dict(hidden_units=16))]:\n"
                "        keras.utils.set_random_seed(7)\n"
                "        model = build(**options)\n"
                "        histories[name] = model.fit(x=x_train, y=y_train, batch_size=batch_size, epochs=epochs,\n"
                "                                    validation_data=[x_val, y_val], shuffle=True, verbose=0)\n"
                "    return histories\n"
            ),
            "question_remedies": (
                "Dropout ends lowest and barely climbs; L2 climbs less than the baseline, whose loss turns up "
                "after a few epochs as it starts to memorise. The small network learns slowly and overfits "
                "later because it has less capacity to store individual reviews. I would keep dropout and, "
                "if the curve still rose, use early stopping or more data."
            ),
        }
    },
}

# Graded by plain `nbgrader autograde` as well: a cheat the hidden tests stop by themselves, and an honest solution.
PLAIN = {"gaming": "train_on_validation", "honest": "functional"}
