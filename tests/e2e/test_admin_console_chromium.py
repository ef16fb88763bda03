"""The admin console (auth_user /admin/console/) in headless Chromium, against auth_user under
gunicorn with MFA required for admins: the admin enrols their second factor at sign-in,
dry-runs then applies a directory import and exports its activation codes, finds agents by
unit, deactivates one, changes a role, issues a code, and reads the audit log. Cookies and
X-CSRF-TOKEN only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import requests
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.test_console_chromium import browser
from tests.e2e.test_sessions import auth_env
from tests.support.legs import require_command
from tests.support.servers import ServiceProcess

pytestmark = pytest.mark.e2e

PASSWORD = "Ngomna2026!"
AGENTS = """matricule;nom;prenom;ministere;direction;service
CONSOLE01;Ngono;Marie;Ministère des Finances;Direction du Budget;Solde
CONSOLE02;Fotso;Paul;Ministère des Finances;Direction du Budget;Paie
CONSOLE03;Éyébé;Luc;Ministère de la Santé;Hôpitaux;
"""


@pytest.fixture(scope="module")
def auth_user(module_key_prefix: str, redis_url: str) -> Iterator[ServiceProcess]:
    env = {**auth_env(module_key_prefix, redis_url), "MFA_REQUIRED_ROLES": "admin"}
    process = ServiceProcess("auth_user", env).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def chromium() -> tuple[str, str]:
    """Debian's chromium and its driver (skipped locally when missing, a failure under CI)."""
    return (
        require_command("chromium", "chromium", "chromium-browser"),
        require_command("chromedriver", "chromium-driver"),
    )


@pytest.fixture
def driver(chromium: tuple[str, str]) -> Iterator[webdriver.Chrome]:
    chrome = browser(chromium)
    yield chrome
    chrome.quit()


def text_of(driver: webdriver.Chrome, element_id: str) -> str:
    return str(driver.find_element(By.ID, element_id).text)


def sign_in_with_a_new_second_factor(driver: webdriver.Chrome, url: str) -> WebDriverWait:
    wait = WebDriverWait(driver, 20)
    driver.get(url + "/admin/console/")
    wait.until(ec.visibility_of_element_located((By.ID, "login-form")))
    assert not driver.find_element(By.ID, "console-view").is_displayed()
    driver.find_element(By.ID, "matricule").send_keys("ADMIN001")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()
    wait.until(ec.visibility_of_element_located((By.ID, "mfa-enrol")))
    wait.until(lambda d: text_of(d, "mfa-secret"))
    secret = text_of(driver, "mfa-secret")
    assert text_of(driver, "mfa-uri").startswith("otpauth://totp/")
    driver.find_element(By.ID, "mfa-code").send_keys(pyotp.TOTP(secret).now())
    driver.find_element(By.ID, "mfa-button").click()
    wait.until(ec.visibility_of_element_located((By.ID, "recovery-view")))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#recovery-codes li")) == 10
    driver.find_element(By.ID, "recovery-done").click()
    wait.until(ec.visibility_of_element_located((By.ID, "console-view")))
    assert "ADMIN001" in text_of(driver, "me")
    return wait


def test_an_admin_imports_manages_agents_and_reads_the_audit_log(
    auth_user: ServiceProcess, driver: webdriver.Chrome, tmp_path: Path
) -> None:
    wait = sign_in_with_a_new_second_factor(driver, auth_user.url)
    assert driver.get_cookie("accessToken") is not None  # the session is the cookie

    agents = tmp_path / "agents.csv"
    agents.write_text(AGENTS, encoding="utf-8")
    driver.find_element(By.ID, "import-file").send_keys(str(agents))
    driver.find_element(By.ID, "dry-run-button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "job-status"), "succeeded (simulation"))
    assert "Créés\n3" in text_of(driver, "job-counts").replace(" 3", "\n3")
    wait.until(ec.element_to_be_clickable((By.ID, "apply-button"))).click()
    wait.until(lambda d: text_of(d, "job-status") == "succeeded")
    wait.until(ec.element_to_be_clickable((By.ID, "export-codes-button"))).click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "export-result"), "3 codes"))
    wait.until(ec.text_to_be_present_in_element((By.ID, "imports"), "merge (simulation)"))

    driver.find_element(By.ID, "tab-agents").click()
    wait.until(lambda d: len(Select(d.find_element(By.ID, "filter-ministere")).options) > 2)
    Select(driver.find_element(By.ID, "filter-ministere")).select_by_value("Ministère des Finances")
    Select(driver.find_element(By.ID, "filter-direction")).select_by_value("Direction du Budget")
    driver.find_element(By.ID, "agents-search").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "agents-total"), "2 agent(s)"))
    row = '#agents tr[data-matricule="CONSOLE02"]'
    assert "activation en attente" in driver.find_element(By.CSS_SELECTOR, row).text
    driver.find_element(By.CSS_SELECTOR, f'{row} button[data-action="deactivate"]').click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "agents-status"), "Enregistré"))
    assert "désactivé" in driver.find_element(By.CSS_SELECTOR, row).text
    role = f"{row} select.role"
    Select(driver.find_element(By.CSS_SELECTOR, role)).select_by_value("moderator")
    wait.until(ec.text_to_be_present_in_element((By.ID, "agents-status"), "Enregistré"))
    stored = Select(driver.find_element(By.CSS_SELECTOR, role)).first_selected_option
    assert stored.get_attribute("value") == "moderator"  # re-read from the server
    first = '#agents tr[data-matricule="CONSOLE01"]'
    driver.find_element(By.CSS_SELECTOR, f'{first} button[data-action="activation-code"]').click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "agent-code"), "CONSOLE01 : "))

    driver.find_element(By.ID, "tab-audit").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "audit"), "deactivated"))
    for kind in ("directory_import", "activation_codes_issued", "mfa_enrolled"):
        assert kind in text_of(driver, "audit")

    driver.find_element(By.ID, "logout-button").click()
    wait.until(ec.visibility_of_element_located((By.ID, "login-form")))
    assert requests.get(f"{auth_user.url}/admin/console/", timeout=5).status_code == 200


def test_a_member_cannot_use_the_console(auth_user: ServiceProcess, driver: webdriver.Chrome):
    wait = WebDriverWait(driver, 20)
    driver.get(auth_user.url + "/admin/console/")
    driver.find_element(By.ID, "matricule").send_keys("MAT1001")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "login-error"), "administrateurs"))
    assert not driver.find_element(By.ID, "console-view").is_displayed()
