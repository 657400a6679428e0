using Oml.Images;
using Oml.Postprocessing;
using Oml.Registries;

namespace Oml;

/// <summary>
/// The name -> factory tables behind every <c>{name, args}</c> config block. They are public and open:
/// add an entry from C# before running a pipeline, e.g.
/// <c>Registry.Transforms["my_aug"] = args =&gt; new MyTransform(args.GetInt("im_size", 224));</c>
/// </summary>
public static class Registry
{
    /// <summary>Image transforms (<c>transforms_train</c>, <c>transforms_val</c>, <c>transforms_predict</c>).</summary>
    public static RegistryTable<IImageTransform> Transforms { get; } = ImageTransformRegistry.CreateDefault();

    /// <summary>Retrieval postprocessors (<c>postprocessor</c>).</summary>
    public static RegistryTable<IRetrievalPostprocessor> Postprocessors { get; } = PostprocessorRegistry.CreateDefault();

    /// <summary>Pairwise models of <c>pairwise_reranker</c> (<c>postprocessor.args.pairwise_model</c>).</summary>
    public static RegistryTable<IPairwiseModel> PairwiseModels { get; } = PairwiseModelRegistry.CreateDefault();
}
