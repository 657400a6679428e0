using Oml.Postprocessing;

namespace Oml.Registries;

/// <summary>The <c>postprocessor</c> config key: null, a bare name (<c>postprocessor=k_reciprocal</c>) or <c>{name, args}</c>.</summary>
public static class PostprocessorBlock
{
    public static IRetrievalPostprocessor? Create(object? block, string path = "postprocessor")
    {
        if (block is null) return null;
        return Create(ConfigBlock.Parse(block, path, "postprocessor", Registry.Postprocessors.Names));
    }

    /// <summary>Builds an already parsed block (a pipeline config's <c>Postprocessor</c>); null stays null.</summary>
    public static IRetrievalPostprocessor? Create(ConfigBlock? block) =>
        block is null ? null : Registry.Postprocessors.Create(block.Name, block.CreateArgs());
}
