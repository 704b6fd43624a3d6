namespace Uploads.Runtime.Tests.TestGrains;

/// <summary>A refusal with a code, as a grain library defines one; it crosses silos by the codec the test silos register.</summary>
public sealed class TestRefusalException : Exception
{
    public TestRefusalException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public string Code { get; }
}
