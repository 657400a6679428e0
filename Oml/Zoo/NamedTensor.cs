namespace Oml.Zoo;

/// <summary>A float32 weight read from a model file: its name there, its values (row-major) and its shape.</summary>
public sealed record NamedTensor(string SourceName, float[] Data, long[] Shape);
