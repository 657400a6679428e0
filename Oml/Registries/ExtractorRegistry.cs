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
/// <item><c>vit_clip</c>: arch (vitb16_224 | vitb32_224 | vitl14_224 | vitl14_336, required), normalise_features (<b>true</b>,
/// OML's default), weights (null, a zoo key such as openai_vitb16_224 or sber_vitb32_224, or a file: an OpenAI TorchScript
/// archive, a whole CLIP's state dict, of which the visual.* part is taken, or the image tower's own). Takes arch-sized
/// images only (224 or 336 px).</item>
/// <item><c>vit_unicom</c>: arch (vitb32_unicom | vitb16_unicom | vitl14_unicom | vitl14_336px_unicom, required),
/// normalise_features (required, as in OML), weights (null, a zoo key such as vitb32_unicom, or a file: Unicom's fp16 state
/// dict), use_gradient_ckpt (accepted; it changes no number). Takes arch-sized images only (224 or 336 px).</item>
/// </list>
/// Every extractor also takes <c>detach_norm</c> (false): true reproduces OML's normalisation, which stops the
/// gradient through the norm.
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
            new ViTExtractor(ViTSpec.ForArch(Arch(args, ViTSpec.Archs.Keys, "ViT")), Normalisation(args), args.GetBool("use_multi_scale", false)),
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
        table["vit_clip"] = args => WithWeights(new ViTClipExtractor(Arch(args, ClipSpec.Archs.Keys, "CLIP ViT"), Normalisation(args, true)), args);
        table["vit_unicom"] = args =>
        {
            if (args.GetRaw("normalise_features") is null)
                throw new OmlException($"{args.KeyPath("normalise_features")} is required for vit_unicom (as in OML): true or false; OML's zoo keys use true");
            args.GetBool("use_gradient_ckpt", true); // memory for time in training; no number changes, so accepted and not used
            return WithWeights(new ViTUnicomExtractor(Arch(args, UnicomSpec.Archs.Keys, "Unicom ViT"), Normalisation(args)), args);
        };
        return table;
    }

    private static FeatureNormalisation Normalisation(BlockArgs args, bool normaliseByDefault = false)
    {
        var normalise = args.GetBool("normalise_features", normaliseByDefault);
        var detach = args.GetBool("detach_norm", false);
        return !normalise ? FeatureNormalisation.None : detach ? FeatureNormalisation.L2DetachedNorm : FeatureNormalisation.L2;
    }

    /// <summary>The required <c>arch</c>, one of <paramref name="valid"/> (the archs of <paramref name="family"/>).</summary>
    private static string Arch(BlockArgs args, IEnumerable<string> valid, string family)
    {
        var arch = args.GetNullableString("arch");
        if (arch is not null && valid.Contains(arch)) return arch;
        var suggestion = arch is null ? "" : NameSuggestions.DidYouMean(arch, valid);
        throw new OmlException($"{args.KeyPath("arch")} = {(arch is null ? "null" : $"'{arch}'")} is not a {family} arch{suggestion}; valid: {string.Join(", ", valid)}");
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
