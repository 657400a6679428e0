namespace Oml.Interactive;

/// <summary><c>#!oml-predict --config cfg.yaml [--set ...] [--name emb]</c></summary>
public sealed class OmlPredict : ConfigMagicCommand;
