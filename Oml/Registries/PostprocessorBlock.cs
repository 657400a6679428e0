using Oml.Postprocessing;
using TorchSharp;
using static TorchSharp.torch;

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

    /// <summary>
    /// <see cref="Create(ConfigBlock?)"/>, with a pairwise re-ranker's model (when it is a module) moved to
    /// <paramref name="device"/>, where validation runs the extractor; the reranker feeds it there.
    /// </summary>
    public static IRetrievalPostprocessor? Create(ConfigBlock? block, Device device)
    {
        var postprocessor = Create(block);
        if (device.type != DeviceType.CPU && postprocessor is PairwiseReranker { PairwiseModel: nn.Module module }) module.to(device);
        return postprocessor;
    }

    /// <summary>
    /// Fails when <paramref name="postprocessor"/> re-ranks with a <c>concat_siamese</c> that has no <c>weights</c>:
    /// its head is untrained, so it would re-rank at random. Validation (<c>oml validate</c>, the validation of
    /// <c>oml train</c>) calls this before building the postprocessor; <c>oml train-postprocessor</c>, which trains
    /// such a model, does not.
    /// </summary>
    public static void RequireTrainedPairwiseModel(ConfigBlock? postprocessor)
    {
        if (postprocessor is not { Name: "pairwise_reranker" }) return;
        var model = ConfigBlock.FromValue(postprocessor.Args.GetValueOrDefault("pairwise_model"), $"{postprocessor.Path}.args.pairwise_model");
        if (model is not { Name: "concat_siamese" } || model.Args.GetValueOrDefault("weights") is not null) return;
        throw new OmlException(
            $"{model.Path}.args.weights is null: an untrained concat_siamese head re-ranks at random. " +
            $"Train one with oml train-postprocessor and give its best.ckpt as {model.Path}.args.weights " +
            "(or an OML checkpoint of a ConcatSiamese)");
    }
}
