"""Known-wrong and canonical-style answers to torch/grad_accumulation; `nox -s verify` proves the tests
catch every one. Never shown to learners."""


def _mutant(*, weight="share", step_each=False, zero_in_loop=False, zero_first=True, train=False,
            last_loss=False, one_forward=False, as_tensor=False, checks=("size", "empty", "targets")):
    def accumulated_step(model, optimizer, loss_fn, inputs, targets, micro_batch_size):
        n = len(inputs)
        if ("size" in checks and micro_batch_size < 1) or ("empty" in checks and n == 0) or (
                "targets" in checks and len(targets) != n):
            raise ValueError("bad arguments")
        if train:
            model.train()
        if zero_first:
            optimizer.zero_grad()
        xs, ys = inputs.split(micro_batch_size), targets.split(micro_batch_size)
        if one_forward:
            out = model(inputs).split(micro_batch_size)
        total = 0.0
        for i, (x, y) in enumerate(zip(xs, ys)):
            if zero_in_loop:
                optimizer.zero_grad()
            loss = loss_fn(out[i] if one_forward else model(x), y)
            scale = {"share": len(x) / n, "count": 1 / len(xs), "none": 1.0}[weight]
            (loss * scale).backward(retain_graph=one_forward)
            if step_each:
                optimizer.step()
            total = loss.item() if last_loss else total + loss.item() * len(x) / n
        if not step_each:
            optimizer.step()
        if as_tensor:
            return (inputs.new_zeros(()) + total).detach()
        return float(total)

    return {"accumulated_step": accumulated_step}


def classic_loop_style(model, optimizer, loss_fn, inputs, targets, micro_batch_size):
    """The classic accumulation loop (and Lightning's accumulate_grad_batches): loss / accumulation steps."""
    if micro_batch_size < 1 or len(inputs) == 0 or len(targets) != len(inputs):
        raise ValueError("need micro_batch_size >= 1 and matching, non-empty inputs and targets")
    xs, ys = inputs.split(micro_batch_size), targets.split(micro_batch_size)
    accum_steps = len(xs)
    optimizer.zero_grad()
    running = 0.0
    for x, y in zip(xs, ys):
        loss = loss_fn(model(x), y) / accum_steps
        loss.backward()
        running += loss.item()
    optimizer.step()
    return running


WRONG = {
    "returns_tensor": _mutant(as_tensor=True),
    "no_micro_batch_size_check": _mutant(checks=("empty", "targets")),
    "no_empty_check": _mutant(checks=("size", "targets")),
    "no_length_check": _mutant(checks=("size", "empty")),
    "loss_not_scaled": _mutant(weight="none"),
    "equal_weight_per_micro_batch": _mutant(weight="count"),
    "step_per_micro_batch": _mutant(step_each=True),
    "zero_grad_in_loop": _mutant(zero_in_loop=True),
    "stale_gradients_kept": _mutant(zero_first=False),
    "forces_train_mode": _mutant(train=True),
    "returns_last_micro_batch_loss": _mutant(last_loss=True),
    "whole_batch_forward": _mutant(one_forward=True),
}
CANONICAL = {"classic_loop": {"accumulated_step": classic_loop_style}}
SLOW = {}
