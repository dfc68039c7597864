"""Submissions of `02_imdb` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # counts words instead of marking them (a bag of words, not multi-hot)
        "vectorize_sequences": (
            "def vectorize_sequences(sequences, dimension=10000):\n"
            "    results = np.zeros((len(sequences), dimension), dtype='float32')\n"
            "    for i, sequence in enumerate(sequences):\n"
            "        np.add.at(results[i], np.asarray(sequence, dtype=int), 1.0)\n"
            "    return results\n"
        ),
        # works on the dict of the visible test, not on a History object
        "best_epoch": ("def best_epoch(history):\n    return int(np.argmin(history['val_loss'])) + 1\n"),
        # Keras's validation_split: validates on the *last* rows, not on the first ones the task names
        "choose_epochs": (
            "def choose_epochs(model, x, y, validation_rows=1000, epochs=10, batch_size=128):\n"
            "    history = model.fit(x, y, epochs=epochs, batch_size=batch_size,\n"
            "                        validation_split=validation_rows / len(x), verbose=0)\n"
            "    return int(np.argmin(history.history['val_loss'])) + 1, history\n"
        ),
    },
    "expected": {
        "test_vectorize_sequences": 0,
        "test_build_model": 2,
        "test_best_epoch": 0,
        "test_choose_epochs": 0,
        "test_train_final": 1,
        "test_make_classifier": 1,
        "test_grid_search": 1,
    },
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # the "write it yourself" task answered by the book's own function
    "lib-multi-hot": {
        "answers": {
            "vectorize_sequences": (
                "from lib.text import multi_hot\n\n\n"
                "def vectorize_sequences(sequences, dimension=10000):\n"
                "    return multi_hot(sequences, dimension=dimension)\n"
            )
        },
        "zero": ["test_vectorize_sequences"],
    },
    # ... the book's function again, run in a thread of its own where one profiler would not look
    "multi-hot-in-thread": {
        "answers": {
            "vectorize_sequences": (
                "import threading\n\n"
                "from lib import text as _text\n\n\n"
                "def vectorize_sequences(sequences, dimension=10000):\n"
                "    found = {}\n"
                "    worker = threading.Thread(target=lambda: found.update(v=_text.multi_hot(sequences, dimension)))\n"
                "    worker.start()\n"
                "    worker.join()\n"
                "    return found['v'].astype('float32')\n"
            )
        },
        "zero": ["test_vectorize_sequences"],
    },
    # TensorFlow's one_hot and reduce_max instead of NumPy (not Keras, not lib)
    "tensorflow-multi-hot": {
        "answers": {
            "vectorize_sequences": (
                "import tensorflow as tf\n\n\n"
                "def vectorize_sequences(sequences, dimension=10000):\n"
                "    rows = [tf.reduce_max(tf.one_hot(list(s), dimension), axis=0) if len(s) else tf.zeros(dimension)\n"
                "            for s in sequences]\n"
                "    return np.stack([row.numpy() for row in rows]).astype('float32')\n"
            )
        },
        "zero": ["test_vectorize_sequences"],
    },
    # Keras's evaluate (a method of the class) replaced, so that a network compiled with the wrong loss reports
    # the binary cross-entropy
    "patched-evaluate": {
        "answers": {
            "build_model": (
                "_genuine_evaluate = keras.Model.evaluate\n\n\n"
                "def _as_if_cross_entropy(self, x=None, y=None, **kwargs):\n"
                "    p = np.clip(np.asarray(self.predict(x, verbose=0)).ravel(), 1e-7, 1 - 1e-7)\n"
                "    t = np.asarray(y).ravel()\n"
                "    loss = float(np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))))\n"
                "    return {'loss': loss, 'accuracy': float(np.mean((p > 0.5) == (t > 0.5)))}\n\n\n"
                "def build_model(hidden_units=16, hidden_layers=2, input_dim=10000):\n"
                "    keras.Model.evaluate = _as_if_cross_entropy\n"
                "    model = keras.Sequential([keras.Input(shape=(input_dim,))])\n"
                "    for _ in range(hidden_layers):\n"
                "        model.add(keras.layers.Dense(hidden_units, activation='relu'))\n"
                "    model.add(keras.layers.Dense(1, activation='sigmoid'))\n"
                "    model.compile(optimizer='rmsprop', loss='mse', metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "zero": ["test_build_model"],
    },
    # the number of epochs chosen on the notebook's test set: the "validation" curve is the test curve
    "epochs-on-test": {
        "answers": {
            "choose_epochs": (
                "def choose_epochs(model, x, y, validation_rows=1000, epochs=10, batch_size=128):\n"
                "    history = model.fit(x[validation_rows:], y[validation_rows:], epochs=epochs, batch_size=batch_size,\n"
                "                        validation_data=(x_test[:, : x.shape[1]], y_test), verbose=0)\n"
                "    return best_epoch(history), history\n"
            )
        },
        "zero": ["test_choose_epochs"],
    },
    # validated on rows it also trained on (all of them), with a batch size that keeps the update count right
    "validation-rows-trained-on": {
        "answers": {
            "choose_epochs": (
                "def choose_epochs(model, x, y, validation_rows=1000, epochs=10, batch_size=128):\n"
                "    steps = -(-(len(x) - validation_rows) // batch_size)\n"
                "    history = model.fit(x, y, epochs=epochs, batch_size=-(-len(x) // steps),\n"
                "                        validation_data=(x[:validation_rows], y[:validation_rows]), verbose=0)\n"
                "    return best_epoch(history), history\n"
            )
        },
        "zero": ["test_choose_epochs"],
    },
    # the given network started from weights trained elsewhere (longer, on all the rows), then "trained" honestly
    "prepared-start": {
        "answers": {
            "choose_epochs": (
                "def choose_epochs(model, x, y, validation_rows=1000, epochs=10, batch_size=128):\n"
                "    helper = keras.models.clone_model(model)\n"
                "    helper.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])\n"
                "    helper.fit(x, y, epochs=3 * epochs, batch_size=batch_size, verbose=0)\n"
                "    model.set_weights(helper.get_weights())\n"
                "    history = model.fit(x[validation_rows:], y[validation_rows:], epochs=epochs, batch_size=batch_size,\n"
                "                        validation_data=(x[:validation_rows], y[:validation_rows]), verbose=0)\n"
                "    return best_epoch(history), history\n"
            )
        },
        "zero": ["test_choose_epochs"],
    },
    # the final network trained on the training rows and the notebook's test reviews as well
    "final-on-train-and-test": {
        "answers": {
            "train_final": (
                "def train_final(model, x, y, epochs, batch_size=128):\n"
                "    more_x = np.concatenate([x, x_test[:, : x.shape[1]]])\n"
                "    more_y = np.concatenate([y, y_test])\n"
                "    return model.fit(more_x, more_y, epochs=epochs, batch_size=batch_size, verbose=0)\n"
            )
        },
        "zero": ["test_train_final"],
    },
    # honest fit, then the weights of a copy trained four times longer copied in: the History says "epochs"
    "copied-longer-weights": {
        "answers": {
            "train_final": (
                "def train_final(model, x, y, epochs, batch_size=128):\n"
                "    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)\n"
                "    longer = keras.models.clone_model(model)\n"
                "    longer.compile(optimizer='rmsprop', loss='binary_crossentropy')\n"
                "    longer.fit(x, y, epochs=4 * epochs, batch_size=batch_size, verbose=0)\n"
                "    model.set_weights(longer.get_weights())\n"
                "    return history\n"
            )
        },
        "zero": ["test_train_final"],
    },
    # a "cross-validation" whose every fold trains on all the rows and scores on half of them
    "grid-scored-on-training-rows": {
        "answers": {
            "grid_search": (
                "from keras.wrappers import SKLearnClassifier\n"
                "from sklearn.model_selection import GridSearchCV\n\n\n"
                "def grid_search(build, x, y, hidden_units=(4, 32), cv=2, epochs=3, batch_size=32):\n"
                "    rows = np.arange(len(x))\n"
                "    splits = [(rows, part) for part in np.array_split(rows, cv)]\n"
                "    grid = GridSearchCV(SKLearnClassifier(model=build),\n"
                "                        {'model_kwargs': [{'hidden_units': u} for u in hidden_units]}, cv=splits)\n"
                "    grid.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)\n"
                "    return grid\n"
            )
        },
        "zero": ["test_grid_search"],
    },
    # an honest search whose reported fold scores are then made better than they were
    "grid-flattered-scores": {
        "answers": {
            "grid_search": (
                "from keras.wrappers import SKLearnClassifier\n"
                "from sklearn.model_selection import GridSearchCV\n\n\n"
                "def grid_search(build, x, y, hidden_units=(4, 32), cv=2, epochs=3, batch_size=32):\n"
                "    grid = GridSearchCV(SKLearnClassifier(model=build),\n"
                "                        {'model_kwargs': [{'hidden_units': u} for u in hidden_units]}, cv=cv)\n"
                "    grid.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)\n"
                "    for key in list(grid.cv_results_):\n"
                "        if key.endswith('test_score') and not key.startswith('rank') and not key.startswith('std'):\n"
                "            grid.cv_results_[key] = np.minimum(1.0, grid.cv_results_[key] + 0.1)\n"
                "    return grid\n"
            )
        },
        "zero": ["test_grid_search"],
    },
    # the search fitted on the rows given plus more reviews of the notebook's own (rows it should not see)
    "grid-extra-rows": {
        "answers": {
            "grid_search": (
                "from keras.wrappers import SKLearnClassifier\n"
                "from sklearn.model_selection import GridSearchCV\n\n\n"
                "def grid_search(build, x, y, hidden_units=(4, 32), cv=2, epochs=3, batch_size=32):\n"
                "    more_x = np.concatenate([x, x_test[:500, : x.shape[1]]])\n"
                "    more_y = np.concatenate([y, y_test[:500]])\n"
                "    grid = GridSearchCV(SKLearnClassifier(model=build),\n"
                "                        {'model_kwargs': [{'hidden_units': u} for u in hidden_units]}, cv=cv)\n"
                "    grid.fit(more_x, more_y, epochs=epochs, batch_size=batch_size, verbose=0)\n"
                "    return grid\n"
            )
        },
        "zero": ["test_grid_search"],
    },
}

# Honest alternatives, written from the student notebook and the chapter alone: each must get full marks.
HONEST: dict[str, dict] = {
    # the functional API for both networks, named slices, a list of candidates built in a loop
    "functional": {
        "answers": {
            "vectorize_sequences": (
                "def vectorize_sequences(sequences, dimension=10000):\n"
                "    results = np.zeros((len(sequences), dimension), dtype=np.float32)\n"
                "    for row, sequence in enumerate(sequences):\n"
                "        results[row, list(sequence)] = 1.0\n"
                "    return results\n"
            ),
            "build_model": (
                "def build_model(hidden_units=16, hidden_layers=2, input_dim=10000):\n"
                "    inputs = keras.Input(shape=(input_dim,))\n"
                "    features = inputs\n"
                "    for _ in range(hidden_layers):\n"
                "        features = keras.layers.Dense(hidden_units, activation='relu')(features)\n"
                "    outputs = keras.layers.Dense(1, activation='sigmoid')(features)\n"
                "    model = keras.Model(inputs, outputs)\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.001),\n"
                "                  loss=keras.losses.BinaryCrossentropy(),\n"
                "                  metrics=[keras.metrics.BinaryAccuracy(name='accuracy')])\n"
                "    return model\n"
            ),
            "best_epoch": (
                "def best_epoch(history):\n"
                "    if isinstance(history, keras.callbacks.History):\n"
                "        history = history.history\n"
                "    losses = list(history['val_loss'])\n"
                "    return losses.index(min(losses)) + 1\n"
            ),
            "choose_epochs": (
                "def choose_epochs(model, x, y, validation_rows=1000, epochs=10, batch_size=128):\n"
                "    x_val, y_val = x[:validation_rows], y[:validation_rows]\n"
                "    x_rest, y_rest = x[validation_rows:], y[validation_rows:]\n"
                "    history = model.fit(x_rest, y_rest, batch_size=batch_size, epochs=epochs,\n"
                "                        validation_data=(x_val, y_val), verbose=0)\n"
                "    chosen = best_epoch(history)\n"
                "    return chosen, history\n"
            ),
            "train_final": (
                "def train_final(model, x, y, epochs, batch_size=128):\n"
                "    history = model.fit(x=x, y=y, batch_size=batch_size, epochs=epochs, verbose=0)\n"
                "    return history\n"
            ),
            "make_classifier": (
                "def make_classifier(X, y, hidden_units=16):\n"
                "    inputs = keras.Input(shape=(X.shape[1],))\n"
                "    hidden = keras.layers.Dense(hidden_units, activation='relu')(inputs)\n"
                "    hidden = keras.layers.Dense(hidden_units, activation='relu')(hidden)\n"
                "    outputs = keras.layers.Dense(y.shape[1], activation='softmax')(hidden)\n"
                "    model = keras.Model(inputs=inputs, outputs=outputs)\n"
                "    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            ),
            "question_epochs": (
                "After the chosen epoch the training loss keeps falling while the validation loss rises again: the\n"
                "network fits particulars of its training reviews that do not hold for others, it overfits. Choosing\n"
                "by test accuracy would tune the choice to the test reviews and make the reported figure optimistic.\n"
                "Next I would try 4 hidden units: fewer weights should overfit later and more slowly."
            ),
            "grid_search": (
                "from keras.wrappers import SKLearnClassifier\n"
                "from sklearn.model_selection import GridSearchCV\n\n\n"
                "def grid_search(build, x, y, hidden_units=(4, 32), cv=2, epochs=3, batch_size=32):\n"
                "    candidates = []\n"
                "    for units in hidden_units:\n"
                "        candidates.append({'hidden_units': units})\n"
                "    search = GridSearchCV(estimator=SKLearnClassifier(model=build),\n"
                "                          param_grid=[{'model_kwargs': candidates}], cv=cv, scoring='accuracy')\n"
                "    search.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)\n"
                "    return search\n"
            ),
        }
    },
    # subclassed networks with activation layers of their own, objects instead of strings, the chapter's
    # ArrayBatches (shuffled for choosing, unshuffled for the final run), a shuffled stratified K-fold of its own seed
    "subclassed-shuffled-folds": {
        "answers": {
            "vectorize_sequences": (
                "def vectorize_sequences(sequences, dimension=10000):\n"
                "    results = np.zeros((len(sequences), dimension), dtype=np.float32)\n"
                "    for row, sequence in enumerate(sequences):\n"
                "        for word in sequence:\n"
                "            results[row, int(word)] = 1.0\n"
                "    return results\n"
            ),
            "build_model": (
                "class ReviewNet(keras.Model):\n"
                "    def __init__(self, hidden_units, hidden_layers):\n"
                "        super().__init__()\n"
                "        self.hidden = [keras.layers.Dense(hidden_units) for _ in range(hidden_layers)]\n"
                "        self.relu = keras.layers.ReLU()\n"
                "        self.score = keras.layers.Dense(1)\n"
                "    def call(self, inputs):\n"
                "        h = inputs\n"
                "        for layer in self.hidden:\n"
                "            h = self.relu(layer(h))\n"
                "        return keras.activations.sigmoid(self.score(h))\n"
                "def build_model(hidden_units=16, hidden_layers=2, input_dim=10000):\n"
                "    model = ReviewNet(hidden_units, hidden_layers)\n"
                "    model.build((None, input_dim))\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(), loss=keras.losses.binary_crossentropy,\n"
                "                  metrics=['accuracy'])\n"
                "    return model\n"
            ),
            "best_epoch": (
                "def best_epoch(history):\n"
                "    losses = getattr(history, 'history', history)['val_loss']\n"
                "    best = 0\n"
                "    for epoch, loss in enumerate(losses):\n"
                "        if loss < losses[best]:\n"
                "            best = epoch\n"
                "    return best + 1\n"
            ),
            "choose_epochs": (
                "from lib.batching import ArrayBatches\n\n\n"
                "def choose_epochs(model, x, y, validation_rows=1000, epochs=10, batch_size=128):\n"
                "    training = ArrayBatches(x[validation_rows:], y[validation_rows:], batch_size=batch_size, shuffle=True)\n"
                "    validation = ArrayBatches(x[:validation_rows], y[:validation_rows], batch_size=batch_size)\n"
                "    history = model.fit(training, validation_data=validation, epochs=epochs, verbose=0)\n"
                "    return best_epoch(history.history), history\n"
            ),
            "train_final": (
                "def train_final(model, x, y, epochs, batch_size=128):\n"
                "    return model.fit(ArrayBatches(x, y, batch_size=batch_size), epochs=epochs, verbose=2)\n"
            ),
            "make_classifier": (
                "class TwoLayers(keras.Model):\n"
                "    def __init__(self, units, classes):\n"
                "        super().__init__()\n"
                "        self.first = keras.layers.Dense(units)\n"
                "        self.second = keras.layers.Dense(units)\n"
                "        self.out = keras.layers.Dense(classes)\n"
                "    def call(self, inputs):\n"
                "        h = keras.activations.relu(self.first(inputs))\n"
                "        h = keras.activations.relu(self.second(h))\n"
                "        return keras.activations.softmax(self.out(h))\n"
                "def make_classifier(X, y, hidden_units=16):\n"
                "    model = TwoLayers(hidden_units, y.shape[1])\n"
                "    model.build((None, X.shape[1]))\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),\n"
                "                  loss=keras.losses.CategoricalCrossentropy(), metrics=['accuracy'])\n"
                "    return model\n"
            ),
            "question_epochs": (
                "Training loss goes down every epoch; validation loss bottoms out at the chosen epoch and climbs\n"
                "after it, so the later epochs memorise the training set (overfitting). The test set must stay\n"
                "unseen until the end, or its accuracy stops estimating new data. I would try one hidden layer,\n"
                "expecting a similar best validation loss reached a little later."
            ),
            "grid_search": (
                "from keras.wrappers import SKLearnClassifier\n"
                "from sklearn.model_selection import GridSearchCV, StratifiedKFold\n\n\n"
                "def grid_search(build, x, y, hidden_units=(4, 32), cv=2, epochs=3, batch_size=32):\n"
                "    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=7)\n"
                "    grid = GridSearchCV(SKLearnClassifier(build),\n"
                "                        {'model_kwargs': [dict(hidden_units=u) for u in reversed(hidden_units)]},\n"
                "                        cv=folds, return_train_score=True)\n"
                "    grid.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)\n"
                "    return grid\n"
            ),
        }
    },
}

# The pair graded with plain `nbgrader autograde` as well: a cheat the hidden tests stop by themselves, an honest solution.
PLAIN = {"gaming": "copied-longer-weights", "honest": "functional"}
