using Oml.Samplers;

namespace Oml.Registries;

/// <summary>
/// The built-in batch samplers (<c>sampler: {name, args}</c>, OML's <c>SAMPLERS_REGISTRY</c>). The counts have no
/// defaults in OML's constructors, so they are required (OML's block configs: n_labels 2, n_instances 2,
/// n_categories 1, epoch_size 10):
/// <c>balance</c> (n_labels, n_instances), <c>category_balance</c> (n_categories, n_labels, n_instances,
/// resample_labels false, weight_categories true) and <c>distinct_category_balance</c> (n_categories, n_labels,
/// n_instances, epoch_size). The labels, label2category and seed come from the <see cref="SamplerContext"/>;
/// <c>labels</c> / <c>label2category</c> keys in the args (OML's pipeline injects them) are accepted and ignored.
/// </summary>
public static class SamplerRegistry
{
    public static RegistryTable<SamplerContext, IBatchSampler> CreateDefault()
    {
        var table = new RegistryTable<SamplerContext, IBatchSampler>("sampler");
        table["balance"] = (args, context) =>
        {
            IgnoreInjectedKeys(args);
            return new BalanceSampler(context.Labels, args.GetInt("n_labels"), args.GetInt("n_instances"), context.Seed);
        };
        table["category_balance"] = (args, context) =>
        {
            IgnoreInjectedKeys(args);
            return new CategoryBalanceSampler(context.Labels, Categories(args, context, "category_balance"),
                args.GetInt("n_categories"), args.GetInt("n_labels"), args.GetInt("n_instances"),
                args.GetBool("resample_labels", false), args.GetBool("weight_categories", true), context.Seed);
        };
        table["distinct_category_balance"] = (args, context) =>
        {
            IgnoreInjectedKeys(args);
            return new DistinctCategoryBalanceSampler(context.Labels, Categories(args, context, "distinct_category_balance"),
                args.GetInt("n_categories"), args.GetInt("n_labels"), args.GetInt("n_instances"), args.GetInt("epoch_size"), context.Seed);
        };
        return table;
    }

    private static void IgnoreInjectedKeys(BlockArgs args)
    {
        args.GetRaw("labels");
        args.GetRaw("label2category");
    }

    private static IReadOnlyDictionary<long, string> Categories(BlockArgs args, SamplerContext context, string name) =>
        context.Label2Category ?? throw new OmlException(
            $"sampler '{name}' at {args.Path} needs the dataset's 'category' column, but the train dataframe has none: add a category column or use sampler 'balance'");
}
