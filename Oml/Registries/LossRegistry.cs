using Oml.Losses;
using Oml.Miners;
using static System.FormattableString;
using static TorchSharp.torch;

namespace Oml.Registries;

/// <summary>
/// The built-in losses (<c>criterion: {name, args}</c>, OML's <c>LOSSES_REGISTRY</c>) plus <c>contrastive</c> and
/// <c>multi_similarity</c>. Every loss takes <c>reduction</c> (mean | sum | none, default mean) and <c>need_logs</c>
/// (accepted; logs are always kept). Defaults where a key is absent are OML's constructor defaults:
/// <list type="bullet">
/// <item><c>triplet</c>, <c>triplet_plain</c>: margin required (null = soft margin; OML's block: null).</item>
/// <item><c>triplet_with_miner</c>: margin required (null = soft), miner block (default all_triplets).</item>
/// <item><c>surrogate_precision</c>: k required (OML's block: 5), temperature1 1, temperature2 0.01.</item>
/// <item><c>arcface</c>: in_features, num_classes required (OML's block: 384, 3985), m 0.5 (block 0.4), s 64, smoothing_epsilon 0.</item>
/// <item><c>mlp_arcface</c>: as arcface plus mlp_features required (OML's block: [512, 256]).</item>
/// <item><c>contrastive</c>: pos_margin 0, neg_margin 1. <c>multi_similarity</c>: alpha 2, beta 50, base 0.5, epsilon 0.1.</item>
/// </list>
/// <c>label2category</c> comes from the <see cref="LossContext"/> (a <c>label2category</c> key in the args, as OML's
/// pipeline injects it, is accepted and ignored); arcface uses it only for label smoothing, so it is passed only when
/// smoothing_epsilon &gt; 0.
/// </summary>
public static class LossRegistry
{
    public static RegistryTable<LossContext, nn.Module> CreateDefault()
    {
        var table = new RegistryTable<LossContext, nn.Module>("loss");
        table["triplet"] = (args, _) => new TripletLoss(Margin(args), Reduction(args));
        table["triplet_plain"] = (args, _) => new TripletLossPlain(Margin(args), Reduction(args));
        table["triplet_with_miner"] = (args, context) =>
        {
            var margin = Margin(args);
            var reduction = Reduction(args);
            var miner = args.GetRaw("miner") is { } block
                ? Registry.Miners.Create(block, $"{args.Path}.miner", new MinerContext(context.Seed))
                : new AllTripletsMiner(seed: context.Seed);
            return new TripletLossWithMiner(margin, miner, reduction);
        };
        table["surrogate_precision"] = (args, _) => new SurrogatePrecision(
            args.GetInt("k"), args.GetDouble("temperature1", 1.0), args.GetDouble("temperature2", 0.01), Reduction(args));
        table["arcface"] = (args, context) =>
        {
            var (inFeatures, numClasses, m, s, eps, label2Category) = ArcFaceArgs(args, context);
            return new ArcFaceLoss(inFeatures, numClasses, m, s, eps, label2Category, Reduction(args));
        };
        table["mlp_arcface"] = (args, context) =>
        {
            var (inFeatures, numClasses, m, s, eps, label2Category) = ArcFaceArgs(args, context);
            var mlp = args.GetIntList("mlp_features", []);
            if (mlp.Count == 0) throw new OmlException($"{args.Path}.mlp_features is required: a list of layer sizes, e.g. [512, 256]");
            return new ArcFaceLossWithMlp(inFeatures, numClasses, mlp, m, s, eps, label2Category, Reduction(args));
        };
        table["contrastive"] = (args, _) => new ContrastiveLoss(args.GetDouble("pos_margin", 0), args.GetDouble("neg_margin", 1), Reduction(args));
        table["multi_similarity"] = (args, _) => new MultiSimilarityLoss(
            args.GetDouble("alpha", 2), args.GetDouble("beta", 50), args.GetDouble("base", 0.5), args.GetDouble("epsilon", 0.1), Reduction(args));
        return table;
    }

    /// <summary>OML's <c>reduction</c>: mean | sum | none (default mean). Also marks the shared keys need_logs and label2category as read.</summary>
    public static LossReduction Reduction(BlockArgs args)
    {
        args.GetBool("need_logs", false); // accepted for OML configs; logs are always kept
        args.GetRaw("label2category"); // injected at run time by OML's pipeline; the context's mapping is used
        var value = args.GetString("reduction", "mean");
        return value switch
        {
            "mean" => LossReduction.Mean,
            "sum" => LossReduction.Sum,
            "none" => LossReduction.None,
            _ => throw BlockArgs.WrongType($"{args.Path}.reduction", value, "one of mean, sum, none"),
        };
    }

    private static double? Margin(BlockArgs args)
    {
        if (!args.Has("margin"))
            throw new OmlException($"{args.Path}.margin is required: a positive number, or null for the soft-margin triplet loss");
        return args.GetNullableDouble("margin");
    }

    private static (int InFeatures, int NumClasses, double M, double S, double Eps, IReadOnlyDictionary<long, string>? Label2Category) ArcFaceArgs(
        BlockArgs args, LossContext context)
    {
        var inFeatures = args.GetInt("in_features");
        var numClasses = args.GetInt("num_classes");
        if (context.NumTrainLabels is { } n && numClasses < n)
            throw new OmlException(Invariant($"{args.Path}.num_classes = {numClasses} is smaller than the {n} labels of the train split: set num_classes to at least {n}"));
        var m = args.GetDouble("m", 0.5);
        var s = args.GetDouble("s", 64);
        var eps = args.GetNullableDouble("smoothing_epsilon") ?? 0;
        return (inFeatures, numClasses, m, s, eps, eps > 0 ? context.Label2Category : null);
    }
}
