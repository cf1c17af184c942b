"""rkeras.callbacks (callback_lambda, 1-based) and the callback verbs derived from Keras."""

from rkeras import *  # noqa: F403 - the point is that this works


def test_callback_lambda_is_one_based_and_merges_logs(tiny_data, tiny_model):
    x, _, y = tiny_data
    model = tiny_model() >> compile(loss="categorical_crossentropy")
    epochs = []
    cb = callback_lambda(on_epoch_end=lambda epoch, logs: epochs.append(epoch) or {"twice": 2.0})
    history = model >> fit(x, y, epochs=3, verbose=0, callbacks=[cb])
    assert epochs == [1, 2, 3]
    assert history.metrics["twice"] == [2.0, 2.0, 2.0]


def test_early_stopping_callback_verb(tiny_data, tiny_model):
    x, _, y = tiny_data
    cb = callback_early_stopping(monitor="loss", patience=0.0, min_delta=1e9)
    assert cb.patience == 0
    model = tiny_model() >> compile(loss="categorical_crossentropy")
    history = model >> fit(x, y, epochs=10, verbose=0, callbacks=cb)
    assert len(history.metrics["loss"]) < 10
    assert history.params["epochs"] == 10

