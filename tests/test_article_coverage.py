"""Coverage of the seed article (shared/seed/genai-careers-2026.txt) by the bundled data.

Every role, salary figure, skill or competency, tool, platform, course creator and course the
article names is mapped to the data id that represents it. Roles and courses (which have a
`sources` key) must cite the article; skills, tools and providers (which have none) must be
linked from the article-citing role or course the article attaches them to. Salary figures
must be recorded exactly as the article states them, only the bounds it gives.

Not representable, so not in the tables: Andrew Ng (a person; `creators` are provider ids,
i.e. organisations), "high-five figures" for entry-level GenAI engineers and "high fees" for
consultants (no figure), and the unnamed "responsible AI modules on Coursera and edX" and
"cloud certifications" (no specific course).
"""

from __future__ import annotations

from typing import Any

import pytest

from genai_kg.dataset.models import Dataset
from genai_kg.graph.build import build_dataset
from genai_kg.paths import bundled

ARTICLE = "genai-careers-2026"


@pytest.fixture(scope="module")
def data() -> Dataset:
    return build_dataset(bundled("data"), shacl=False).dataset


def cites(entity: Any) -> bool:
    return ARTICLE in entity.sources


# --- roles ---------------------------------------------------------------------------------

ROLES = [
    pytest.param("prompt-engineer", id="prompt engineer"),
    pytest.param("generative-ai-engineer", id="generative AI engineer"),
    pytest.param("ai-product-manager", id="AI product manager"),
    pytest.param("data-scientist", id="data scientist"),
    pytest.param("nlp-specialist", id="NLP specialist"),
    pytest.param("mlops-engineer", id="MLOps engineer"),
    pytest.param("responsible-ai-specialist", id="AI ethics / responsible AI expert"),
    pytest.param("ai-content-creator", id="AI content creator"),
    pytest.param("ai-creative-director", id="content strategy and creative direction"),
    pytest.param("ai-consultant", id="AI consultant (strategic advisory)"),
]


@pytest.mark.parametrize("role_id", ROLES)
def test_article_role_exists_and_cites_article(data: Dataset, role_id: str) -> None:
    assert role_id in data.roles, f"article role {role_id!r} missing from roles.yaml"
    assert cites(data.roles[role_id]), f"role {role_id!r} does not cite {ARTICLE}"


# Aliases for the role titles the article uses besides the role's name.
ROLE_ALIASES = [
    pytest.param("prompt-engineer", "prompt architect", id="senior prompt architects"),
    pytest.param("generative-ai-engineer", "AI system architect", id="senior AI system architects"),
    pytest.param("ai-product-manager", "director of AI product", id="directors of AI product"),
]


@pytest.mark.parametrize(("role_id", "alias"), ROLE_ALIASES)
def test_article_role_title_is_an_alias(data: Dataset, role_id: str, alias: str) -> None:
    assert alias.lower() in {a.lower() for a in data.roles[role_id].aliases}


# --- salaries ------------------------------------------------------------------------------
# (role, level, min, max, or_more, region): only the bounds the article gives; "or more" is
# kept as or_more (the max is where the article stops counting); the region only where the
# article names the United States. The entry-level prompt engineer's min is its "six-figure".

SALARIES = [
    pytest.param(
        "prompt-engineer", "entry", 100000, None, False, "US", id="prompt entry six-figure"
    ),
    pytest.param(
        "prompt-engineer", "mid", 180000, None, False, "US", id="prompt mid well over 180k"
    ),
    pytest.param(
        "prompt-engineer", "senior", 180000, None, False, "US", id="prompt senior well over 180k"
    ),
    pytest.param(
        "generative-ai-engineer", "senior", None, 300000, True, "US", id="genai senior 300k or more"
    ),
    pytest.param(
        "ai-product-manager", "mid", 140000, None, False, None, id="ai-pm mid around 140k"
    ),
    pytest.param(
        "ai-product-manager", "senior", None, 220000, True, None, id="ai-pm senior 220k or more"
    ),
    pytest.param("data-scientist", "any", 140000, 250000, True, None, id="data science 140k-250k+"),
    pytest.param("nlp-specialist", "any", 140000, 250000, True, None, id="nlp 140k-250k or more"),
    pytest.param("mlops-engineer", "any", 100000, 220000, False, "US", id="mlops 100k-220k"),
    pytest.param(
        "responsible-ai-specialist", "any", 90000, 180000, True, "US", id="ethics 90k-180k or more"
    ),
    pytest.param(
        "ai-creative-director", "any", None, 400000, True, None, id="creative approaching 400k+"
    ),
]


def article_salaries(data: Dataset) -> list[tuple[str, Any]]:
    return [
        (role.id, entry)
        for role in data.roles.values()
        for entry in role.salary
        if entry.source == ARTICLE
    ]


@pytest.mark.parametrize(("role_id", "level", "low", "high", "or_more", "region"), SALARIES)
def test_article_salary_recorded_exactly(
    data: Dataset,
    role_id: str,
    level: str,
    low: int | None,
    high: int | None,
    or_more: bool,
    region: str | None,
) -> None:
    """As the article says it: "or more" kept, and a region only where the article names one."""
    matches = [
        entry for rid, entry in article_salaries(data) if rid == role_id and entry.level == level
    ]
    assert len(matches) == 1, f"{role_id} {level}: {len(matches)} article salary entries"
    entry = matches[0]
    assert (entry.min, entry.max, entry.or_more) == (low, high, or_more), f"{role_id} {level}"
    assert (entry.currency, entry.region, entry.year) == ("USD", region, 2026), f"{role_id} {level}"


def test_no_other_article_salaries(data: Dataset) -> None:
    """Nothing is credited to the article that the table above does not list."""
    expected = {(p.values[0], p.values[1]) for p in SALARIES}
    recorded = [(rid, str(entry.level)) for rid, entry in article_salaries(data)]
    assert sorted(recorded) == sorted(expected)


# --- skills and competencies ---------------------------------------------------------------
# (skill id, the article-citing role or course the article attaches it to, or None where the
# article names it without attaching it to a role or course).

SKILLS = [
    # what GenAI is
    pytest.param("large-language-models", "prompt-engineer", id="large language models"),
    pytest.param("diffusion-models", None, id="diffusion models (intro only)"),
    pytest.param("multimodal-ai", "generative-ai-engineer", id="multi-modal AI features"),
    # prompt engineering
    pytest.param("natural-language-processing", "prompt-engineer", id="natural language concepts"),
    pytest.param("analytical-thinking", "prompt-engineer", id="analytical thinking"),
    pytest.param("problem-solving", "prompt-engineer", id="iterative problem resolution"),
    pytest.param(
        "prompt-engineering", "prompt-engineer", id="structuring tasks into prompt sequences"
    ),
    pytest.param("generative-ai", "prompt-engineer", id="how generative models interpret context"),
    pytest.param(
        "prompt-engineering",
        "coursera-generative-ai-prompt-engineering-basics",
        id="writing effective prompts (course)",
    ),
    # generative AI engineering
    pytest.param("programming", "generative-ai-engineer", id="software development"),
    pytest.param("deep-learning", "generative-ai-engineer", id="model training"),
    pytest.param("model-evaluation", "generative-ai-engineer", id="model evaluation"),
    pytest.param("fine-tuning", "generative-ai-engineer", id="fine-tune models"),
    pytest.param("model-deployment", "generative-ai-engineer", id="deploy models"),
    pytest.param("cloud-computing", "generative-ai-engineer", id="cloud computing"),
    pytest.param("api-integration", "generative-ai-engineer", id="API integration"),
    pytest.param("data-management", "generative-ai-engineer", id="data management"),
    pytest.param("python", "generative-ai-engineer", id="Python"),
    pytest.param("pytorch", "generative-ai-engineer", id="PyTorch framework skill"),
    pytest.param("tensorflow", "generative-ai-engineer", id="TensorFlow framework skill"),
    pytest.param("ai-agents", "generative-ai-engineer", id="autonomous AI workflows"),
    pytest.param(
        "llm-application-development",
        "coursera-generative-ai-with-llms",
        id="building applications with LLMs (course)",
    ),
    # AI product management
    pytest.param("ai-strategy", "ai-product-manager", id="business strategy"),
    pytest.param("ux-design", "ai-product-manager", id="user experience design"),
    pytest.param("product-management", "ai-product-manager", id="product vision"),
    pytest.param("requirements-analysis", "ai-product-manager", id="requirements for AI features"),
    pytest.param("analytical-thinking", "ai-product-manager", id="analytical skills"),
    pytest.param("strategic-planning", "ai-product-manager", id="strategic thinking"),
    pytest.param(
        "stakeholder-communication", "ai-product-manager", id="communication with stakeholders"
    ),
    pytest.param("ai-strategy", "coursera-ai-for-everyone", id="AI from a strategic perspective"),
    # data science and NLP
    pytest.param("data-cleaning", "data-scientist", id="preparing datasets"),
    pytest.param("feature-engineering", "data-scientist", id="engineering features (DS)"),
    pytest.param("feature-engineering", "nlp-specialist", id="engineering features (NLP)"),
    pytest.param("machine-learning", "data-scientist", id="training ML models"),
    pytest.param("statistics", "data-scientist", id="statistical methods"),
    pytest.param("natural-language-processing", "nlp-specialist", id="NLP expertise"),
    pytest.param("fine-tuning", "data-scientist", id="fine-tune models (DS)"),
    pytest.param("fine-tuning", "nlp-specialist", id="fine-tune models (NLP)"),
    pytest.param("model-evaluation", "data-scientist", id="evaluating models for quality"),
    pytest.param("bias-mitigation", "data-scientist", id="evaluating models for bias"),
    pytest.param("neural-networks", "coursera-deep-learning-specialization", id="neural networks"),
    pytest.param("deep-learning", "coursera-deep-learning-specialization", id="deep learning"),
    # MLOps
    pytest.param("model-deployment", "mlops-engineer", id="deploy models (MLOps)"),
    pytest.param("model-monitoring", "mlops-engineer", id="monitoring"),
    pytest.param("ai-robustness-security", "mlops-engineer", id="robustness and security"),
    pytest.param("devops", "mlops-engineer", id="DevOps practices"),
    pytest.param("mlops", "mlops-engineer", id="MLOps"),
    pytest.param("automation", "mlops-engineer", id="automation"),
    pytest.param("automation", "udemy-complete-mlops-bootcamp", id="automation (bootcamp)"),
    pytest.param("ml-pipelines", "mlops-engineer", id="pipeline orchestration"),
    pytest.param("containerization", "mlops-engineer", id="containerization"),
    pytest.param("version-control", "mlops-engineer", id="version control"),
    pytest.param("cloud-computing", "mlops-engineer", id="cloud infrastructure"),
    pytest.param("ci-cd", "udemy-mlops-on-gcp-cicd-kubernetes-jenkins", id="CI/CD"),
    pytest.param(
        "container-orchestration",
        "udemy-mlops-on-gcp-cicd-kubernetes-jenkins",
        id="container orchestration",
    ),
    # AI ethics and responsible AI
    pytest.param("ai-ethics", "responsible-ai-specialist", id="AI safety principles / ethics"),
    pytest.param("bias-mitigation", "responsible-ai-specialist", id="bias mitigation"),
    pytest.param("ai-governance", "responsible-ai-specialist", id="regulatory compliance"),
    pytest.param("human-centered-design", "responsible-ai-specialist", id="human-centered design"),
    # creative and business roles
    pytest.param("storytelling", "ai-content-creator", id="storytelling"),
    pytest.param("domain-expertise", "ai-content-creator", id="domain expertise"),
    pytest.param("domain-expertise", "ai-consultant", id="industry domain knowledge"),
    pytest.param("generative-ai", "ai-content-creator", id="GenAI skills"),
    pytest.param("digital-marketing", "ai-content-creator", id="automated marketing assets"),
    pytest.param("ai-image-generation", "ai-content-creator", id="generative artwork"),
    pytest.param("ai-video-generation", "ai-content-creator", id="generative video"),
    pytest.param("video-editing", "ai-content-creator", id="multimedia production"),
    pytest.param("creative-thinking", "ai-content-creator", id="creative thinking"),
    pytest.param("content-strategy", "ai-creative-director", id="content strategy"),
    pytest.param("ai-strategy", "ai-consultant", id="advising on AI adoption"),
    pytest.param("consulting", "ai-consultant", id="consultancy"),
    pytest.param("business-analytics", "ai-consultant", id="business analytics"),
    # final thoughts
    pytest.param("business-analysis", "ai-consultant", id="business analysis"),
]


def linked_skills(data: Dataset, holder: str) -> set[str]:
    if holder in data.roles:
        role = data.roles[holder]
        assert cites(role), f"{holder} does not cite {ARTICLE}"
        return {*role.skills.essential, *role.skills.optional}
    course = data.courses[holder]
    assert cites(course), f"{holder} does not cite {ARTICLE}"
    return {*course.teaches, *course.requires}


@pytest.mark.parametrize(("skill_id", "holder"), SKILLS)
def test_article_skill_is_linked(data: Dataset, skill_id: str, holder: str | None) -> None:
    assert skill_id in data.skills, f"skill {skill_id!r} missing from skills.yaml"
    if holder is not None:
        assert skill_id in linked_skills(data, holder), f"{holder} does not link {skill_id}"


# --- tools ---------------------------------------------------------------------------------

TOOLS = [
    pytest.param("pytorch", "generative-ai-engineer", id="PyTorch"),
    pytest.param("tensorflow", "generative-ai-engineer", id="TensorFlow"),
    pytest.param("aws", "generative-ai-engineer", id="AWS"),
    pytest.param("google-cloud-platform", "generative-ai-engineer", id="Google Cloud Platform"),
    pytest.param("azure", "generative-ai-engineer", id="Azure"),
    pytest.param("docker", "mlops-engineer", id="Docker"),
    pytest.param("kubernetes", "mlops-engineer", id="Kubernetes"),
    pytest.param("terraform", "mlops-engineer", id="Terraform"),
    pytest.param(
        "amazon-sagemaker", "coursera-mlops-platforms-sagemaker-azure-ml", id="Amazon SageMaker"
    ),
    pytest.param(
        "azure-machine-learning",
        "coursera-mlops-platforms-sagemaker-azure-ml",
        id="Azure Machine Learning",
    ),
    pytest.param("jenkins", "udemy-mlops-on-gcp-cicd-kubernetes-jenkins", id="Jenkins"),
    pytest.param("hugging-face", "udemy-complete-mlops-bootcamp", id="Hugging Face"),
    pytest.param("dall-e", "ai-content-creator", id="DALL-E"),
    pytest.param("midjourney", "ai-content-creator", id="Midjourney"),
    pytest.param("runwayml", "ai-content-creator", id="RunwayML"),
]


@pytest.mark.parametrize(("tool_id", "holder"), TOOLS)
def test_article_tool_is_linked(data: Dataset, tool_id: str, holder: str) -> None:
    assert tool_id in data.tools, f"tool {tool_id!r} missing from tools.yaml"
    entity = data.roles.get(holder) or data.courses[holder]
    assert cites(entity), f"{holder} does not cite {ARTICLE}"
    assert tool_id in entity.tools, f"{holder} does not list tool {tool_id}"


# --- platforms and course creators ---------------------------------------------------------
# (provider id, how an article-citing entity links it: "platform"/"creator" of a course,
# "vendor" of a tool, or None). edX is named only for unnamed "responsible AI modules", so no
# course links it.

PROVIDERS = [
    pytest.param("coursera", "platform", "coursera-generative-ai-with-llms", id="Coursera"),
    pytest.param("udemy", "platform", "udemy-aws-certified-ml-specialty-prep", id="Udemy"),
    pytest.param("edx", None, None, id="edX (no named course)"),
    pytest.param(
        "deeplearning-ai", "creator", "coursera-deep-learning-specialization", id="DeepLearning.AI"
    ),
    pytest.param("ibm", "creator", "coursera-generative-ai-prompt-engineering-basics", id="IBM"),
    pytest.param("aws", "creator", "coursera-generative-ai-with-llms", id="AWS (course creator)"),
    pytest.param("google", "vendor", "google-cloud-platform", id="Google (Cloud certifications)"),
    pytest.param("microsoft", "vendor", "azure", id="Microsoft (Azure certifications)"),
]


@pytest.mark.parametrize(("provider_id", "link", "holder"), PROVIDERS)
def test_article_provider_is_linked(
    data: Dataset, provider_id: str, link: str | None, holder: str | None
) -> None:
    assert provider_id in data.providers, f"provider {provider_id!r} missing from providers.yaml"
    if link == "vendor":
        assert holder is not None and data.tools[holder].vendor == provider_id
    elif link is not None:
        assert holder is not None
        course = data.courses[holder]
        assert cites(course), f"{holder} does not cite {ARTICLE}"
        linked = [course.platform] if link == "platform" else course.creators
        assert provider_id in linked, f"{holder}: {provider_id} is not its {link}"


# --- courses -------------------------------------------------------------------------------
# (course id, platform the article states or None, creators the article states)

COURSES = [
    pytest.param(
        "coursera-generative-ai-prompt-engineering-basics",
        "coursera",
        ["ibm"],
        id="Generative AI: Prompt Engineering Basics",
    ),
    pytest.param(
        "coursera-generative-ai-with-llms",
        "coursera",
        ["deeplearning-ai", "aws"],
        id="Generative AI with LLMs",
    ),
    pytest.param("coursera-ai-for-everyone", "coursera", ["deeplearning-ai"], id="AI For Everyone"),
    pytest.param(
        "coursera-deep-learning-specialization",
        "coursera",
        ["deeplearning-ai"],
        id="Deep Learning Specialization",
    ),
    pytest.param(
        "coursera-pytorch-for-deep-learning",
        None,
        [],
        id="PyTorch for Deep Learning Professional Certificate",
    ),
    pytest.param("coursera-tensorflow-developer", None, ["deeplearning-ai"], id="TensorFlow track"),
    pytest.param(
        "coursera-mlops-platforms-sagemaker-azure-ml",
        None,
        [],
        id="MLOps Platforms: Amazon SageMaker and Azure ML",
    ),
    pytest.param(
        "udemy-mlops-on-gcp-cicd-kubernetes-jenkins",
        None,
        [],
        id="Beginner to Advanced MLOps on GCP",
    ),
    pytest.param("udemy-complete-mlops-bootcamp", None, [], id="Complete MLOps Bootcamp"),
    pytest.param(
        "coursera-ibm-ai-engineering",
        None,
        ["ibm"],
        id="IBM AI Engineering Professional Certificate",
    ),
    pytest.param(
        "udemy-aws-certified-ml-specialty-prep",
        "udemy",
        [],
        id="AWS Certified Machine Learning - Specialty prep",
    ),
]


@pytest.mark.parametrize(("course_id", "platform", "creators"), COURSES)
def test_article_course_exists_and_cites_article(
    data: Dataset, course_id: str, platform: str | None, creators: list[str]
) -> None:
    assert course_id in data.courses, f"article course {course_id!r} missing from courses.yaml"
    course = data.courses[course_id]
    assert cites(course), f"course {course_id!r} does not cite {ARTICLE}"
    if platform is not None:
        assert course.platform == platform
    assert set(creators) <= set(course.creators)


def test_article_course_facts(data: Dataset) -> None:
    """Generative AI with LLMs: intermediate level, rated 4.8/5 (as the article states)."""
    course = data.courses["coursera-generative-ai-with-llms"]
    assert (str(course.level), course.rating) == ("intermediate", 4.8)


# --- essential skills are teachable --------------------------------------------------------


def test_every_essential_skill_is_taught(data: Dataset) -> None:
    taught = {skill for course in data.courses.values() for skill in course.teaches}
    untaught = [
        f"role {role.id}: essential skill {skill} is taught by no course"
        for role in data.roles.values()
        for skill in role.skills.essential
        if skill not in taught
    ]
    assert not untaught, "; ".join(untaught)
