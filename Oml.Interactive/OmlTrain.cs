namespace Oml.Interactive;

/// <summary><c>#!oml-train --config cfg.yaml [--set key.path=value ...] [--name run] [--worst 5] [--metrics OVERALL/cmc/1,OVERALL/map/5]</c></summary>
public sealed class OmlTrain : ResultViewCommand;
