"""Map explorer (placeholder until its issue lands)."""
import streamlit as st

st.title("Map explorer")
st.info("This page is being built.")
