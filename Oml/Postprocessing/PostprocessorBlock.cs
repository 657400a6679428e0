using Oml.Registries;

namespace Oml.Postprocessing;

/// <summary>The <c>postprocessor</c> config key: null, a bare name (<c>postprocessor=k_reciprocal</c>) or <c>{name, args}</c>.</summary>
public static class PostprocessorBlock
{
    public static IRetrievalPostprocessor? Create(object? block, string path = "postprocessor")
    {
        switch (block)
        {
            case null:
                return null;
            case string name:
                return Registry.Postprocessors.Create(name, BlockArgs.Empty($"{path}.args"));
            case IReadOnlyDictionary<string, object?> mapping:
                var outer = new BlockArgs(mapping, path);
                var blockName = outer.GetString("name");
                var args = new BlockArgs(outer.GetRaw("args") as IReadOnlyDictionary<string, object?>, $"{path}.args");
                outer.EnsureAllKeysUsed("postprocessor");
                return Registry.Postprocessors.Create(blockName, args);
            default:
                throw new OmlException($"{path} is not valid: expected a name such as k_reciprocal or a block {{name: ..., args: {{...}}}}; valid names: {string.Join(", ", Registry.Postprocessors.Names)}");
        }
    }
}
