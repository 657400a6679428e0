namespace Oml.Interactive;

/// <summary><c>#!oml-validate --config cfg.yaml [--set ...] [--name val] [--worst 5] [--metrics OVERALL/cmc/1,OVERALL/map/5]</c></summary>
public sealed class OmlValidate : ResultViewCommand;
