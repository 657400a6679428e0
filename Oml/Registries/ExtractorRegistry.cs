using Oml.Models;

namespace Oml.Registries;

/// <summary>
/// The built-in extractors (<c>extractor: {name, args}</c>, OML's <c>EXTRACTORS_REGISTRY</c>):
/// <list type="bullet">
/// <item><c>resnet</c>: arch (resnet18 | resnet18_mlnet | resnet34 | resnet50 | resnet101 | resnet152, required), gem_p (null = average pooling),
/// remove_fc (true), normalise_features (false), weights (null, a file, or resnet18_mlnet_imagenet), freeze_bn (false:
/// true keeps the batch norms' running statistics while training).</item>
/// <item><c>vit</c>: arch (DINO: vits16 | vits8 | vitb16 | vitb8; DINOv2: vits14 | vitb14 | vitl14 | vits14_reg | vitb14_reg | vitl14_reg; required),
/// normalise_features (false), use_multi_scale (false), weights (null).</item>
/// <item><c>extractor_with_mlp</c>: extractor (a nested block), mlp_features (required), weights (null),
/// train_backbone (<b>true</b>; OML's default false freezes the backbone without saying so).</item>
/// </list>
/// Every extractor also takes <c>detach_norm</c> (false): true reproduces OML's normalisation, which stops the
/// gradient through the norm. <c>vit_clip</c> and <c>vit_unicom</c> are not available in this version.
/// </summary>
public static class ExtractorRegistry
{
    public static RegistryTable<Extractor> CreateDefault()
    {
        var table = new RegistryTable<Extractor>("extractor");
        table["resnet"] = args => WithWeights(
            new ResnetExtractor(args.GetString("arch"), args.GetNullableDouble("gem_p"), args.GetBool("remove_fc", true), Normalisation(args),
                args.GetBool("freeze_bn", false)),
            args);
        table["vit"] = args => WithWeights(
            new ViTExtractor(ViTArch(args), Normalisation(args), args.GetBool("use_multi_scale", false)),
            args);
        table["extractor_with_mlp"] = args =>
        {
            var inner = args.GetBlock("extractor") ?? throw new OmlException(
                $"{args.KeyPath("extractor")} is required: the backbone block, e.g. {{name: resnet, args: {{arch: resnet18, remove_fc: true, weights: null}}}}");
            var innerArgs = inner.CreateArgs();
            if (args.GetNullableString("weights") is not null && inner.Args.GetValueOrDefault("weights") is not null)
            {
                throw new OmlException($"{args.KeyPath("weights")} and {inner.Path}.args.weights are both set; give the weights of the whole model or of the backbone, not both");
            }
            var backbone = Registry.Extractors.Create(inner.Name, innerArgs);
            var features = args.GetIntList("mlp_features", []);
            if (features.Count == 0) throw new OmlException($"{args.KeyPath("mlp_features")} is required: the MLP layer sizes, e.g. [384]");
            return WithWeights(new ExtractorWithMlp(backbone, features, args.GetBool("train_backbone", true)), args);
        };
        foreach (var name in new[] { "vit_clip", "vit_unicom" })
        {
            table[name] = args => throw new OmlException(
                $"extractor '{name}' is not available in this version (its zoo checkpoints can be downloaded with 'oml weights fetch', but the architecture is not here yet); " +
                "use resnet, vit or extractor_with_mlp");
        }
        return table;
    }

    private static ViTSpec ViTArch(BlockArgs args)
    {
        var arch = args.GetString("arch");
        return ViTSpec.Archs.TryGetValue(arch, out var spec) ? spec : throw new OmlException(
            $"{args.KeyPath("arch")} = '{arch}' is not a ViT arch{NameSuggestions.DidYouMean(arch, ViTSpec.Archs.Keys)}; valid: {string.Join(", ", ViTSpec.Archs.Keys)}");
    }

    private static FeatureNormalisation Normalisation(BlockArgs args)
    {
        var normalise = args.GetBool("normalise_features", false);
        var detach = args.GetBool("detach_norm", false);
        return !normalise ? FeatureNormalisation.None : detach ? FeatureNormalisation.L2DetachedNorm : FeatureNormalisation.L2;
    }

    private static Extractor WithWeights(Extractor extractor, BlockArgs args)
    {
        try
        {
            ExtractorWeights.Load(extractor, args.GetNullableString("weights"), args.KeyPath("weights"));
            return extractor;
        }
        catch
        {
            extractor.Dispose();
            throw;
        }
    }
}
