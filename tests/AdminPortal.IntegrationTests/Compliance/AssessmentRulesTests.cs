using AdminPortal.Features.Compliance.Assessments;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Compliance;

public sealed class AssessmentRulesTests
{
    [Theory, BothDatabases]
    public async Task The_officer_who_answered_cannot_review_and_a_second_person_can(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        var assessment = await bed.StartAsync();
        await bed.AnswerAllAsync(assessment);
        await bed.Assessments.SubmitForReviewAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id);

        var selfReview = await Assert.ThrowsAsync<ComplianceRuleException>(() =>
            bed.Assessments.ReviewAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id, approve: true, note: null));
        Assert.Contains("second person", selfReview.Message);
        Assert.Equal(AssessmentStatus.InReview, (await bed.Assessments.FindAsync(bed.ClaraScope, assessment.Id))!.Status);

        await bed.Assessments.ReviewAsync(bed.OlgaScope, ComplianceTestBed.Olga, assessment.Id, approve: true, note: null);
        var reviewed = (await bed.Assessments.FindAsync(bed.ClaraScope, assessment.Id))!;
        Assert.Equal(AssessmentStatus.Reviewed, reviewed.Status);
        Assert.Equal("Olga Owner", reviewed.ReviewedByName);
    }

    [Theory, BothDatabases]
    public async Task Sending_back_needs_a_note_and_reopens_the_draft(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        var assessment = await bed.StartAsync();
        await Assert.ThrowsAsync<ComplianceRuleException>(() => bed.Assessments.SubmitForReviewAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id));
        await bed.AnswerAllAsync(assessment);
        await bed.Assessments.SubmitForReviewAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id);
        await Assert.ThrowsAsync<ComplianceRuleException>(() =>
            bed.Assessments.SaveAnswerAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id, new AnswerInput("9.5.1", SaqResponse.InPlace, "Changed", "")));
        await Assert.ThrowsAsync<ComplianceRuleException>(() => bed.Assessments.ReviewAsync(bed.VictorScope, ComplianceTestBed.Victor, assessment.Id, false, " "));

        await bed.Assessments.ReviewAsync(bed.VictorScope, ComplianceTestBed.Victor, assessment.Id, false, "Add the device list to 9.5.1.1.");

        var back = (await bed.Assessments.FindAsync(bed.ClaraScope, assessment.Id))!;
        Assert.Equal(AssessmentStatus.Draft, back.Status);
        Assert.Equal("Add the device list to 9.5.1.1.", back.ReviewNote);
    }

    [Theory, BothDatabases]
    public async Task An_attested_assessment_is_frozen_and_the_next_one_starts_from_it(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        var attested = await bed.AttestedAsync();
        Assert.Equal(AssessmentStatus.Attested, attested.Status);
        Assert.Equal("Head of Compliance", attested.AttesterTitle);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), attested.AttestationDate);

        var frozen = await Assert.ThrowsAsync<ComplianceRuleException>(() =>
            bed.Assessments.SaveAnswerAsync(bed.ClaraScope, ComplianceTestBed.Clara, attested.Id, new AnswerInput("9.5.1", SaqResponse.NotInPlace, "Changed", "")));
        Assert.Contains("frozen", frozen.Message);
        await Assert.ThrowsAsync<ComplianceRuleException>(() =>
            bed.Assessments.AttestAsync(bed.ClaraScope, ComplianceTestBed.Clara, attested.Id, new Attestation("X", "Y", new DateOnly(2026, 11, 21))));
        await Assert.ThrowsAsync<ComplianceRuleException>(() => bed.Evidence.RefreshAsync(bed.ClaraScope, attested.Id));

        var next = await bed.StartAsync(year: 2027);
        var carried = await bed.Assessments.AnswersAsync(bed.ClaraScope, next.Id);
        var previous = await bed.Assessments.AnswersAsync(bed.ClaraScope, attested.Id);
        Assert.Equal(attested.Id, next.BasedOnId);
        Assert.Equal(AssessmentStatus.Draft, next.Status);
        Assert.Equal(previous.Select(a => (a.Requirement, a.Response, a.Explanation)), carried.Select(a => (a.Requirement, a.Response, a.Explanation)));
        Assert.Equal("The merchant keeps no electronic media.", carried.Single(a => a.Requirement == "9.4.1.1").NaJustification);
    }

    [Theory, BothDatabases]
    public async Task Only_one_assessment_is_open_at_a_time_and_the_attestation_is_validated(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        var assessment = await bed.StartAsync();
        var second = await Assert.ThrowsAsync<ComplianceRuleException>(() => bed.StartAsync(year: 2027));
        Assert.Contains("in progress", second.Message);

        await bed.AnswerAllAsync(assessment);
        await Assert.ThrowsAsync<ComplianceRuleException>(() =>
            bed.Assessments.AttestAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id, new Attestation("Clara", "Officer", new DateOnly(2026, 11, 20))));
        await bed.Assessments.SubmitForReviewAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id);
        await bed.Assessments.ReviewAsync(bed.VictorScope, ComplianceTestBed.Victor, assessment.Id, true, null);
        var future = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(2));
        Assert.Contains("future", (await Assert.ThrowsAsync<ComplianceRuleException>(() =>
            bed.Assessments.AttestAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id, new Attestation("Clara", "Officer", future)))).Message);
        Assert.Contains("name and title", (await Assert.ThrowsAsync<ComplianceRuleException>(() =>
            bed.Assessments.AttestAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id, new Attestation("Clara", " ", new DateOnly(2026, 11, 20))))).Message);
        // The owner may review but not attest: attesting belongs to the compliance officer.
        await Assert.ThrowsAsync<ComplianceRuleException>(() =>
            bed.Assessments.AttestAsync(bed.OlgaScope, ComplianceTestBed.Olga, assessment.Id, new Attestation("Olga", "Owner", new DateOnly(2026, 11, 20))));
    }

    [Theory, BothDatabases]
    public async Task Not_applicable_without_justification_and_CCW_without_worksheet_are_refused_on_the_server(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        var assessment = await bed.StartAsync("D");

        var na = await Assert.ThrowsAsync<ComplianceRuleException>(() => bed.Assessments.SaveAnswerAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id,
            new AnswerInput("1.3.3", SaqResponse.NotApplicable, "No wireless.", "")));
        Assert.Contains("justification", na.Message);
        var ccw = await Assert.ThrowsAsync<ComplianceRuleException>(() => bed.Assessments.SaveAnswerAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id,
            new AnswerInput("8.3.6", SaqResponse.InPlaceWithCcw, "Compensated.", "")));
        Assert.Contains("worksheet", ccw.Message);
        Assert.Empty(await bed.Assessments.AnswersAsync(bed.ClaraScope, assessment.Id));

        var worksheet = new CompensatingControlWorksheet("Vendor limit", "Stop guessing", "Brute force", "Lock drawer", "Daily checklist", "Yearly review");
        await bed.Assessments.SaveAnswerAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id, new AnswerInput("8.3.6", SaqResponse.InPlaceWithCcw, "Compensated.", "", Ccw: worksheet));
        Assert.Equal(worksheet, Assert.Single(await bed.Assessments.AnswersAsync(bed.ClaraScope, assessment.Id)).Ccw);
    }

    [Theory, BothDatabases]
    public async Task Another_merchants_officer_sees_nothing_and_an_owner_reads_but_cannot_edit(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        var assessment = await bed.StartAsync();
        await bed.Assessments.SaveAnswerAsync(bed.ClaraScope, ComplianceTestBed.Clara, assessment.Id, new AnswerInput("9.5.1", SaqResponse.InPlace, "Done", ""));

        Assert.Null(await bed.Assessments.FindAsync(bed.TheoScope, assessment.Id));
        Assert.Empty(await bed.Assessments.ListAsync(bed.TheoScope));
        Assert.Empty(await bed.Assessments.ListAsync(bed.TheoScope, bed.Bakery.Id));
        await Assert.ThrowsAsync<AssessmentNotFoundException>(() => bed.Assessments.AnswersAsync(bed.TheoScope, assessment.Id));
        await Assert.ThrowsAsync<AssessmentNotFoundException>(() => bed.Assessments.SaveAnswerAsync(bed.TheoScope, ComplianceTestBed.Theo, assessment.Id,
            new AnswerInput("9.5.1", SaqResponse.NotInPlace, "Sabotage", "")));
        await Assert.ThrowsAsync<AssessmentNotFoundException>(() => bed.Exporter.LoadAsync(bed.TheoScope, assessment.Id));
        await Assert.ThrowsAsync<AssessmentNotFoundException>(() =>
            bed.Assessments.StartAsync(bed.TheoScope, ComplianceTestBed.Theo, bed.Bakery.Id, "P2PE", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)));
        Assert.Empty(await bed.Assessments.ListAsync(AdminPortal.Features.Merchants.Access.AccessScope.Nobody));

        Assert.Equal(assessment.Id, Assert.Single(await bed.Assessments.ListAsync(bed.OlgaScope)).Id);
        Assert.Single(await bed.Assessments.AnswersAsync(bed.OlgaScope, assessment.Id));
        var ownerEdit = await Assert.ThrowsAsync<ComplianceRuleException>(() => bed.Assessments.SaveAnswerAsync(bed.OlgaScope, ComplianceTestBed.Olga, assessment.Id,
            new AnswerInput("9.5.1", SaqResponse.NotInPlace, "Owner edit", "")));
        Assert.Contains("compliance officer", ownerEdit.Message);
        Assert.Equal("Done", Assert.Single(await bed.Assessments.AnswersAsync(bed.ClaraScope, assessment.Id)).Explanation);

        var admin = AdminPortal.Features.Merchants.Access.AccessScope.PlatformAdmin(Guid.NewGuid());
        Assert.Equal(assessment.Id, Assert.Single(await bed.Assessments.ListAsync(admin)).Id);
    }

    [Theory, BothDatabases]
    public async Task Every_step_is_in_the_audit_log_of_the_merchant(DatabaseProvider provider)
    {
        await using var bed = await ComplianceTestBed.CreateAsync(provider);
        await bed.AttestedAsync();
        var log = await bed.Audit.SearchAsync(new AdminPortal.Features.Audit.AuditQuery { MerchantIds = [bed.Bakery.Id], Category = "compliance", Take = 500 });
        var actions = log.Rows.Select(r => r.Action).ToHashSet();
        Assert.Superset(new HashSet<string> { "saq.started", "saq.answered", "saq.submitted", "saq.review.approved", "saq.attested" }, actions);
        Assert.Contains(log.Rows, r => r.Action == "saq.attested" && r.ActorName == "Clara Compliance" && r.Summary.Contains("Head of Compliance"));
        Assert.True((await bed.Audit.VerifyAsync()).Intact);
    }
}
