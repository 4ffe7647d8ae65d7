"""One optimizer step on a big batch, computed in micro-batches."""


def accumulated_step(model, optimizer, loss_fn, inputs, targets, micro_batch_size):
    n = len(inputs)
    if micro_batch_size < 1 or n == 0 or len(targets) != n:
        raise ValueError(f"need micro_batch_size >= 1 and N = len(inputs) = len(targets) >= 1, got "
                         f"{micro_batch_size}, {n}, {len(targets)}")
    optimizer.zero_grad()  # no stale gradients
    total = 0.0
    for x, y in zip(inputs.split(micro_batch_size), targets.split(micro_batch_size)):
        loss = loss_fn(model(x), y) * (len(x) / n)  # weighted by the micro-batch's share of the batch
        loss.backward()  # gradients add up in .grad
        total = total + loss.detach()  # no .item() per micro-batch: no device sync in the loop
    optimizer.step()
    return float(total)
