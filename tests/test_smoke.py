def test_it_serves_the_home_page_to_a_signed_in_analyst(client_for):
    response = client_for("analyst").get("/")
    assert response.status_code == 200
    assert b"Priya Penrose" in response.content


def test_it_sends_an_anonymous_visitor_to_sign_in(client_for):
    response = client_for(None).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
