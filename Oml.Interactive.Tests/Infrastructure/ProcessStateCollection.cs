namespace Oml.Tests.Infrastructure;

/// <summary>
/// Tests that change or depend on process-wide state (the working directory, LibTorch's global random generator), or
/// whose measurement other tests' load disturbs (memory high-water marks), run alone, never beside other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessStateCollection
{
    public const string Name = "process state";
}
