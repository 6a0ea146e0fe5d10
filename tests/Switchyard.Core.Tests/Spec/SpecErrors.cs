using Switchyard.Core.Spec;

namespace Switchyard.Core.Tests.Spec;

/// <summary>What every bad spec must give: file:line:col first, what is wrong, and how to fix it.</summary>
internal static class SpecErrors
{
    public static void ShouldFailAt(string yaml, string file, string where, string what)
    {
        var e = Should.Throw<SpecException>(() => SpecLoader.Load(yaml, file));

        e.Message.ShouldStartWith(where + ":");
        e.Message.ShouldContain(what);
        e.Hint.ShouldNotBeNullOrWhiteSpace();
    }
}
