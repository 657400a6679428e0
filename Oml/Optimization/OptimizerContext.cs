using TorchSharp.Modules;

namespace Oml.Optimization;

/// <summary>
/// What an optimizer factory gets besides its config args: the two parameter groups OML's pipeline builds,
/// the extractor's and the criterion's (e.g. ArcFace's class centres). Both get <c>optimizer.args.lr</c>.
/// </summary>
public sealed record OptimizerContext(IEnumerable<Parameter> ExtractorParameters, IEnumerable<Parameter> CriterionParameters);
