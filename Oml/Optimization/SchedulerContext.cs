using static TorchSharp.torch;

namespace Oml.Optimization;

/// <summary>What a scheduler factory gets besides its config args: the optimizer whose learning rates it drives.</summary>
public sealed record SchedulerContext(optim.Optimizer Optimizer);
