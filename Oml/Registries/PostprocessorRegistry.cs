using Oml.Postprocessing;

namespace Oml.Registries;

/// <summary>
/// The built-in postprocessors (<c>postprocessor: {name, args}</c>), with the defaults of OML's block configs
/// (<c>constant_thresholding</c> th 0.8, <c>adaptive_thresholding</c> n_std 2.5, <c>pairwise_reranker</c> top_n 3)
/// and this library's <c>k_reciprocal</c> (Zhong et al. 2017: k1 20, k2 6, lambda 0.3, re-ranking the top 100).
/// </summary>
public static class PostprocessorRegistry
{
    public static RegistryTable<IRetrievalPostprocessor> CreateDefault()
    {
        var table = new RegistryTable<IRetrievalPostprocessor>("postprocessor");
        table["constant_thresholding"] = args => new ConstantThresholding((float)args.GetDouble("th", 0.8));
        table["adaptive_thresholding"] = args => new AdaptiveThresholding(args.GetDouble("n_std", 2.5));
        table["pairwise_reranker"] = args =>
        {
            var model = args.GetRequiredBlock("pairwise_model", "{name: concat_siamese | linear_siamese | trivial_distance_siamese, args: {...}}");
            args.GetRaw("num_workers"); // OML's loader workers: decoding is multithreaded here already
            args.GetRaw("verbose");
            args.GetBool("use_fp16", false); // accepted as OML's configs set it (precision: 16 likewise): re-ranking runs in float32 here
            var topN = args.GetInt("top_n", 3);
            var batchSize = args.GetInt("batch_size", 128);
            var pairwiseModel = Registry.PairwiseModels.Create(model.Name, model.CreateArgs());
            try
            {
                return new PairwiseReranker(topN, pairwiseModel, batchSize);
            }
            catch
            {
                (pairwiseModel as IDisposable)?.Dispose();
                throw;
            }
        };
        table["k_reciprocal"] = args => new KReciprocalReranker(
            new ExactNeighbourSource(),
            args.GetInt("top_n", KReciprocalReranker.DefaultTopN),
            args.GetInt("k1", 20),
            args.GetInt("k2", 6),
            args.GetDouble("lambda", 0.3),
            (long)args.GetDouble("max_neighbour_entries", KReciprocalReranker.DefaultMaxNeighbourEntries));
        return table;
    }
}
