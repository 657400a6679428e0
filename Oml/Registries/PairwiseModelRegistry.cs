using Oml.Models;
using Oml.Postprocessing;

namespace Oml.Registries;

/// <summary>
/// The built-in pairwise models under OML's names (<c>postprocessor.args.pairwise_model</c>, OML's
/// <c>PAIRWISE_MODELS_REGISTRY</c> in <c>oml/registry/models.py</c>):
/// <list type="bullet">
/// <item><c>linear_siamese</c>: feat_dim (required), identity_init (false), output_bias (0); on embeddings.</item>
/// <item><c>trivial_distance_siamese</c>: extractor (a nested extractor block, optional: with one it compares images,
/// as OML's does; without, the validation embeddings), output_bias (0).</item>
/// <item><c>concat_siamese</c>: extractor (a nested extractor block, required), mlp_hidden_dims ([20, 20], OML's
/// config), use_tta (false, OML's class default), weights (null: an untrained head; a checkpoint of
/// <c>oml train-postprocessor</c> or an OML / Lightning checkpoint of a ConcatSiamese). Compares images.</item>
/// </list>
/// </summary>
public static class PairwiseModelRegistry
{
    public static RegistryTable<IPairwiseModel> CreateDefault()
    {
        var table = new RegistryTable<IPairwiseModel>("pairwise model");
        table["linear_siamese"] = args => new LinearSiamese(
            args.GetInt("feat_dim"), args.GetBool("identity_init", false), (float)args.GetDouble("output_bias", 0));
        table["trivial_distance_siamese"] = args =>
        {
            var block = args.GetBlock("extractor");
            var outputBias = (float)args.GetDouble("output_bias", 0);
            if (block is null) return new TrivialDistanceSiamese(outputBias);
            var extractor = Registry.Extractors.Create(block.Name, block.CreateArgs());
            return Owning(extractor, () => new TrivialDistanceSiamese(extractor, outputBias));
        };
        table["concat_siamese"] = args =>
        {
            var block = args.GetBlock("extractor") ?? throw new OmlException(
                $"{args.KeyPath("extractor")} is required: the extractor that sees both images stacked, e.g. {{name: resnet, args: {{arch: resnet18, weights: null}}}}");
            var mlpHiddenDims = args.GetIntList("mlp_hidden_dims", [20, 20]);
            var useTta = args.GetBool("use_tta", false);
            var weights = args.GetNullableString("weights");
            if (weights is not null && block.Args.GetValueOrDefault("weights") is not null)
            {
                // OML's raise_if_needed (oml/registry/models.py) refuses both as well
                throw new OmlException($"{args.KeyPath("weights")} and {block.Path}.args.weights are both set; give the weights of the whole " +
                                       $"concat_siamese (then {block.Path}.args.weights: null) or of its extractor, not both");
            }
            var extractor = Registry.Extractors.Create(block.Name, block.CreateArgs());
            var model = Owning(extractor, () => new ConcatSiamese(extractor, mlpHiddenDims, useTta));
            try
            {
                model.LoadWeights(weights, args.KeyPath("weights"));
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        };
        return table;
    }

    /// <summary>Builds a model around <paramref name="extractor"/>, disposing the extractor when that fails.</summary>
    private static T Owning<T>(Extractor extractor, Func<T> create)
    {
        try
        {
            return create();
        }
        catch
        {
            extractor.Dispose();
            throw;
        }
    }
}
