using Oml.Postprocessing;

namespace Oml.Registries;

/// <summary>The built-in pairwise models under OML's names (<c>postprocessor.args.pairwise_model</c>).</summary>
public static class PairwiseModelRegistry
{
    public static RegistryTable<IPairwiseModel> CreateDefault()
    {
        var table = new RegistryTable<IPairwiseModel>("pairwise model");
        table["linear_siamese"] = args => new LinearSiamese(
            args.GetInt("feat_dim"), args.GetBool("identity_init", false), (float)args.GetDouble("output_bias", 0));
        table["trivial_distance_siamese"] = args =>
        {
            if (args.GetRaw("extractor") is not null)
            {
                throw new OmlException($"{args.Path}.extractor: this trivial_distance_siamese works on the validation embeddings themselves; leave extractor out (image extractors come with the training core)");
            }
            return new TrivialDistanceSiamese((float)args.GetDouble("output_bias", 0));
        };
        return table;
    }
}
