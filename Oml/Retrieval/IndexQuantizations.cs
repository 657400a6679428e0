namespace Oml.Retrieval;

/// <summary>Config and command-line names of <see cref="IndexQuantization"/>: <c>f32</c>, <c>f16</c>, <c>i8</c>.</summary>
public static class IndexQuantizations
{
    public static string Name(IndexQuantization quantization) => quantization switch
    {
        IndexQuantization.Float32 => "f32",
        IndexQuantization.Float16 => "f16",
        IndexQuantization.Int8 => "i8",
        _ => throw new ArgumentOutOfRangeException(nameof(quantization)),
    };

    /// <param name="where">The config path or option that gave <paramref name="name"/>, for the message.</param>
    public static IndexQuantization Parse(string name, string where) => name switch
    {
        "f32" => IndexQuantization.Float32,
        "f16" => IndexQuantization.Float16,
        "i8" => IndexQuantization.Int8,
        _ => throw new OmlException($"{where} = '{name}' is not valid: expected f32, f16 or i8"),
    };
}
